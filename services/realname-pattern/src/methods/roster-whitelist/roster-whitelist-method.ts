import { checkEcardPassword, EcardDeps, ecardPasswordOf } from '../ecard-password/ecard-check';
import { nameClaim, ROSTER_RESULT, rosterInput, rosterMethod, RosterMethodDeps } from '../roster-match/roster-method';
import { VerificationMethod } from '../method';

export const ROSTER_WHITELIST = 'roster-whitelist';

/**
 * outid + name against the roster (+ customerCode, + role), and the e-card password checked by the
 * person's school e-card system: `when-the-school-runs-one` (IMPORT-ECARD) or `always` (ECARD, where
 * a school without one answers ECARD.NOT_AVAILABLE). What it proves is the roster's record, so the
 * ID number the roster holds becomes the claim's (and the verified identity's, when there is one;
 * without one, the roster membership is what the subject holds).
 */
export function whitelistMethod(spec: { name: string; pattern: string; ecard: 'when-the-school-runs-one' | 'always' }, deps: RosterMethodDeps & EcardDeps): VerificationMethod {
  return rosterMethod(
    {
      name: spec.name,
      checksIdNumber: false,
      provesMembership: true,
      validateClaim: (claim) => ({ ...nameClaim(claim, false, spec.pattern), idNumber: '' }),
      async match(ctx) {
        const { outid, customerCode, role } = rosterInput(ctx.input);
        // Asked for before the roster when it is always needed: a request without it changes nothing.
        const password = spec.ecard === 'always' ? ecardPasswordOf(ctx.input) : undefined;
        const res = await deps.roster.matchWhitelist({ partnerId: ctx.partnerId, customerCode, outid, role, name: ctx.claim.name }, ctx.correlationId ?? '');
        if (res.result !== 'MATCHED') return { matched: false, resultCode: ROSTER_RESULT.of(res.result) };
        if (spec.ecard === 'always' || res.member?.school?.ecardSchool) {
          const refused = await checkEcardPassword(deps.ecard, res.member, password ?? ecardPasswordOf(ctx.input));
          if (refused) return { matched: false, resultCode: refused };
        }
        return {
          matched: true,
          member: res.member,
          relatives: res.relatives,
          providerReference: res.member?.memberId ?? '',
          claim: { ...ctx.claim, idNumber: res.idNumber },
        };
      },
    },
    deps,
  );
}

/**
 * Seed 003 IMPORT-ECARD (whitelist): outid + name against the roster (+ customerCode, + role); a
 * school that runs an e-card system also needs the e-card password (method_input password), checked
 * at start; a school without a connector answers ECARD.NOT_AVAILABLE rather than skip the check.
 */
export const rosterWhitelistMethod = (deps: RosterMethodDeps & EcardDeps): VerificationMethod =>
  whitelistMethod({ name: ROSTER_WHITELIST, pattern: 'IMPORT-ECARD', ecard: 'when-the-school-runs-one' }, deps);
