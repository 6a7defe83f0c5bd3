import { invalidArgument } from '@kyc/core';
import { MobileCodes } from '../../application/mobile-codes';
import { mainlandMobile } from '../../domain/mobile-number';
import { VERIFICATION_ERROR } from '../../domain/verification';
import { ROSTER_INPUT_INVALID, rosterMethod, RosterMethodDeps } from '../roster-match/roster-method';
import { VerificationMethod } from '../method';

export const MOBILE_CODE = 'mobile-code';

export interface MobileCodeDeps {
  mobileCodes: Pick<MobileCodes, 'check'>;
}

/**
 * Seed 003 MOBILE: the user proves the mobile number (the claim's) with the code sent to it
 * (SendMobileCode; method_input "code"). The latest code sent to that number for this user is
 * checked at start, spending one attempt; failures are MOBILE.WRONG_CODE, MOBILE.CODE_EXPIRED,
 * MOBILE.TOO_MANY_ATTEMPTS and MOBILE.NO_CODE (none sent, or already used). A number proves no ID
 * number: no verified identity is registered.
 */
export function mobileCodeMethod(deps: RosterMethodDeps & MobileCodeDeps): VerificationMethod {
  return rosterMethod(
    {
      name: MOBILE_CODE,
      checksIdNumber: false,
      validateClaim: (claim) => {
        if (!claim.mobile.trim()) throw invalidArgument(VERIFICATION_ERROR.claimIncomplete, 'MOBILE needs a mobile number');
        return { name: claim.name.trim(), idNumber: '', mobile: mainlandMobile(claim.mobile) };
      },
      async match(ctx) {
        const code = (ctx.input.code ?? '').trim();
        if (!/^\d{4,8}$/.test(code)) throw invalidArgument(ROSTER_INPUT_INVALID, 'code must be the digits received by SMS');
        const checked = await deps.mobileCodes.check({ partnerId: ctx.partnerId, subjectId: ctx.subjectId, mobile: ctx.claim.mobile, code });
        if (!checked.ok) return { matched: false, resultCode: checked.resultCode };
        return { matched: true, relatives: [], providerReference: checked.codeId };
      },
    },
    deps,
  );
}
