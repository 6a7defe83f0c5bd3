import { invalidArgument } from '@kyc/core';
import { WechatFace } from '../../providers/wechat-face/wechat-face';
import { judgeWechatFace, WechatFaceRejection } from '../../providers/wechat-face/wechat-face-verdict';
import { nameClaim, ROSTER_INPUT_INVALID, rosterMethod, RosterMethodDeps } from '../roster-match/roster-method';
import { VerificationMethod } from '../method';

export const WECHAT_FACE = 'wechat-face';

export interface WechatFaceDeps {
  wechatFace: WechatFace;
  /** How old a face result may be and still prove the identity (WECHAT_FACE_MAX_AGE_MS). */
  wechatFaceMaxAgeMs: number;
}

/** Result codes of a WeChat face result that does not prove the claim. */
export const WECHAT_FACE_RESULT: Record<WechatFaceRejection, string> = {
  'not-passed': 'WECHAT_FACE.NOT_PASSED',
  'id-number-mismatch': 'WECHAT_FACE.ID_MISMATCH',
  'name-mismatch': 'WECHAT_FACE.NAME_MISMATCH',
  stale: 'WECHAT_FACE.STALE',
  'from-the-future': 'WECHAT_FACE.STALE',
};

/**
 * Seed 003 WECHAT-FACE: the app's verifyResult (method_input verify_result, with the app's
 * access_token when given) is looked up with WeChat's result query at start, and judgeWechatFace
 * decides whether it proves the claimed name and ID number: the app's own word is never taken.
 * The verify result's digest is the provider reference, kept whatever the verdict, and the store
 * refuses a second verification with it (KYC.VERIFICATION.PROVIDER_REFERENCE_USED): a verify
 * result proves one attempt, once.
 */
export function wechatFaceMethod(deps: RosterMethodDeps & WechatFaceDeps): VerificationMethod {
  return rosterMethod(
    {
      name: WECHAT_FACE,
      checksIdNumber: true,
      validateClaim: (claim) => nameClaim(claim, true, 'WECHAT-FACE'),
      async match(ctx) {
        const verifyResult = (ctx.input.verify_result ?? '').trim();
        const accessToken = (ctx.input.access_token ?? '').trim();
        if (!verifyResult) throw invalidArgument(ROSTER_INPUT_INVALID, 'verify_result is required');
        const result = await deps.wechatFace.result(verifyResult, accessToken ? { accessToken } : {});
        const verdict = judgeWechatFace(
          result,
          { identityNo: ctx.claim.idNumber, realName: ctx.claim.name },
          { now: new Date(), maxAgeMs: deps.wechatFaceMaxAgeMs },
        );
        const providerReference = result.providerReference;
        if (!verdict.proven) return { matched: false, resultCode: WECHAT_FACE_RESULT[verdict.reason], providerReference };
        return { matched: true, relatives: [], providerReference };
      },
    },
    deps,
  );
}
