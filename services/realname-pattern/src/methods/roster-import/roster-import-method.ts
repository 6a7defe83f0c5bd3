import { rosterInput, nameClaim, ROSTER_RESULT, rosterMethod, RosterMethodDeps } from '../roster-match/roster-method';
import { VerificationMethod } from '../method';

export const ROSTER_IMPORT = 'roster-import';

/**
 * Seed 003 IMPORT: name + ID number + outid against the school's imported roster (+ customerCode,
 * + role compared when given). The ID number is validated by identity-lookup before the start.
 */
export function rosterImportMethod(deps: RosterMethodDeps): VerificationMethod {
  return rosterMethod(
    {
      name: ROSTER_IMPORT,
      checksIdNumber: true,
      validateClaim: (claim) => nameClaim(claim, true, 'IMPORT'),
      async match(ctx) {
        const { outid, customerCode, role } = rosterInput(ctx.input);
        const res = await deps.roster.matchImport(
          { partnerId: ctx.partnerId, customerCode, outid, role, name: ctx.claim.name, idNumber: ctx.claim.idNumber },
          ctx.correlationId ?? '',
        );
        if (res.result !== 'MATCHED') return { matched: false, resultCode: ROSTER_RESULT.of(res.result) };
        return { matched: true, member: res.member, relatives: res.relatives, providerReference: res.member?.memberId ?? '' };
      },
    },
    deps,
  );
}
