import { invalidArgument } from '@kyc/core';
import { VERIFICATION_ERROR } from '../../domain/verification';
import { checkEcardPassword, EcardDeps, ecardPasswordOf } from '../ecard-password/ecard-check';
import { nameClaim, ROSTER_INPUT_INVALID, ROSTER_RESULT, rosterInput, rosterMethod, RosterMethodDeps } from '../roster-match/roster-method';
import { VerificationMethod } from '../method';

export const ROSTER_RELATION = 'roster-relation';

/** What the verifying user is to the child (seed 003's relation codes). */
export const RELATION_CODES = ['F', 'M', 'S', 'D', 'GF', 'GM', 'MGF', 'MGM', 'GS', 'GD', 'MGS', 'MGD'] as const;

/**
 * Seed 003 RELATION: a guardian (the claim: name, optional ID number, compared by the roster when
 * it lists one) names a child on the roster (method_input outid, child_name, customer_code) and the
 * relation. No verified identity is registered: the guardian's ID number is not proved. Type 2 (roster): the child's
 * roster must list the guardian with that relation. Type 1 proves the relation with the child's
 * e-card password (method_input password), checked by the child's school e-card system: the
 * roster need not list the guardian then, and a school without an e-card system or connector
 * answers ECARD.NOT_AVAILABLE. The answer's relatives carry the child (seed 003 relativeInfo).
 */
export function rosterRelationMethod(deps: RosterMethodDeps & EcardDeps): VerificationMethod {
  return rosterMethod(
    {
      name: ROSTER_RELATION,
      checksIdNumber: false,
      validateClaim: (claim) => nameClaim(claim, false, 'RELATION'),
      async match(ctx) {
        const { outid, customerCode } = rosterInput(ctx.input);
        const childName = (ctx.input.child_name ?? '').trim();
        const relation = (ctx.input.relation ?? '').trim().toUpperCase();
        const type = (ctx.input.type ?? '').trim();
        if (!childName) throw invalidArgument(ROSTER_INPUT_INVALID, 'child_name is required');
        if (!(RELATION_CODES as readonly string[]).includes(relation)) throw invalidArgument(ROSTER_INPUT_INVALID, `relation must be one of ${RELATION_CODES.join(', ')}`);
        if (type !== '1' && type !== '2') throw invalidArgument(ROSTER_INPUT_INVALID, 'type must be 1 (e-card) or 2 (roster)');
        if (ctx.claim.idNumber) {
          const verdict = await deps.identities.validateIdNumber({ idNumber: ctx.claim.idNumber, name: ctx.claim.name }, ctx.correlationId ?? '');
          if (!verdict.valid) throw invalidArgument(VERIFICATION_ERROR.invalidIdNumber, `the ID number is not valid (${verdict.reasonCode})`);
        }
        const byEcard = type === '1';
        const password = byEcard ? ecardPasswordOf(ctx.input) : '';
        const res = await deps.roster.matchRelative(
          {
            partnerId: ctx.partnerId,
            customerCode,
            outid,
            childName,
            relation,
            guardianName: ctx.claim.name,
            guardianIdNumber: ctx.claim.idNumber,
            checkListedRelative: !byEcard,
          },
          ctx.correlationId ?? '',
        );
        if (res.result !== 'MATCHED') return { matched: false, resultCode: ROSTER_RESULT.of(res.result) };
        if (byEcard) {
          const refused = await checkEcardPassword(deps.ecard, res.child, password);
          if (refused) return { matched: false, resultCode: refused };
        }
        // The roster compares the guardian's ID number only when it lists one, and the answer does not
        // say which: the number is not taken as proved, so it is neither kept nor registered.
        const claim = { ...ctx.claim, idNumber: '' };
        return { matched: true, relatives: [{ relation, member: res.child }], providerReference: res.child?.memberId ?? '', claim };
      },
    },
    deps,
  );
}
