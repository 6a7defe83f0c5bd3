import { invalidArgument, isKycError } from '@kyc/core';
import { MobileCodes } from '../../application/mobile-codes';
import { VerifiedMobileRegistry } from '../../application/ports';
import { mainlandMobile } from '../../domain/mobile-number';
import { failed, RESULT, VERIFICATION_ERROR } from '../../domain/verification';
import { MATCH, ROSTER_INPUT_INVALID, rosterMethod, RosterMethodDeps } from '../roster-match/roster-method';
import { VerificationMethod } from '../method';

export const MOBILE_CODE = 'mobile-code';

export interface MobileCodeDeps {
  mobileCodes: Pick<MobileCodes, 'check'>;
  mobiles: Pick<VerifiedMobileRegistry, 'recordVerifiedMobile'>;
}

/**
 * Seed 003 MOBILE: the user proves the mobile number (the claim's) with the code sent to it
 * (SendMobileCode; method_input "code"). The latest code sent to that number for this user is
 * checked at start, spending one attempt; failures are MOBILE.WRONG_CODE, MOBILE.CODE_EXPIRED,
 * MOBILE.TOO_MANY_ATTEMPTS and MOBILE.NO_CODE (none sent, or already used). A number proves no ID
 * number: no verified identity is registered, but the number is recorded as the subject's verified
 * mobile; one held by another subject of the partner fails IDENTITY.CONFLICT, like an ID number.
 */
export function mobileCodeMethod(deps: RosterMethodDeps & MobileCodeDeps): VerificationMethod {
  const method = rosterMethod(
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
  return {
    ...method,
    async process(ctx) {
      const { verification: v, claim } = ctx;
      // Only a matched code proves the number; anything else completes as the roster shape says.
      if (ctx.progress.providerOutcome === MATCH) {
        try {
          const recorded = await deps.mobiles.recordVerifiedMobile(
            { partnerId: v.partnerId, subjectId: v.subjectId, mobile: claim.mobile, method: MOBILE_CODE, verificationId: v.id, verifiedAt: new Date() },
            ctx.correlationId,
          );
          if (recorded.conflict) return { kind: 'complete', outcome: failed(RESULT.identityConflict, ctx.progress.providerReference) };
        } catch (err) {
          return { kind: 'retry', giveUpCode: RESULT.identityUnavailable, reason: isKycError(err) ? err.code : 'KYC.INTERNAL' };
        }
      }
      return method.process!(ctx);
    },
  };
}
