import { invalidArgument, unavailable } from '@kyc/core';
import { WECHAT_FACE_ERROR, WechatFace, WechatFaceResult, checkWechatFaceQuery, verifyResultReference } from './wechat-face';
import { WechatFaceClaim, idCardNumberMd5, nameUtf8Md5 } from './wechat-face-verdict';

/**
 * Deterministic test results for `npm start`, integration tests and partners' test mode. No app
 * or camera is involved: the verify result itself says what the sandbox answers, and carries the
 * digests of the identity it is "for" (build one with sandboxVerifyResult):
 *
 *   sandbox.pass.<idMd5>.<nameMd5>    passed just now, with those digests
 *   sandbox.fail.<idMd5>.<nameMd5>    not passed (identify_ret 10004: the face does not match)
 *   sandbox.stale.<idMd5>.<nameMd5>   passed, but a day ago (older than any sensible window)
 *   sandbox.down                      WeChat is down (KYC.WECHAT_FACE.UNAVAILABLE)
 *   sandbox.hang                      WeChat does not answer (KYC.WECHAT_FACE.TIMEOUT after timeoutMs)
 *   anything else                     WeChat has no such result (KYC.WECHAT_FACE.BAD_VERIFY_RESULT)
 *
 * idMd5 = MD5 of the ID number (final X upper case), nameMd5 = MD5 of the name's UTF-8 bytes,
 * both lower-case hex: a verify result made for one identity and submitted with another fails
 * the digest comparison exactly as a real one would. The access token, if any, is ignored.
 */
export type SandboxWechatOutcome = 'pass' | 'fail' | 'stale';

export const SANDBOX_WECHAT_FACE = { down: 'sandbox.down', hang: 'sandbox.hang' } as const;

/** The sandbox verify result that answers `outcome` for the given identity. */
export const sandboxVerifyResult = (outcome: SandboxWechatOutcome, claim: WechatFaceClaim): string =>
  `sandbox.${outcome}.${idCardNumberMd5(claim.identityNo)}.${nameUtf8Md5(claim.realName)}`;

const DAY_MS = 86_400_000;
const FAILED_RET = 10004;

export class SandboxWechatFace implements WechatFace {
  constructor(private readonly opts: { timeoutMs: number }) {}

  async result(verifyResult: string): Promise<WechatFaceResult> {
    checkWechatFaceQuery(verifyResult);
    if (verifyResult === SANDBOX_WECHAT_FACE.down) throw unavailable(WECHAT_FACE_ERROR.unavailable, 'wechat-face (sandbox): errcode -1 (system busy)');
    if (verifyResult === SANDBOX_WECHAT_FACE.hang) {
      await new Promise((r) => setTimeout(r, this.opts.timeoutMs));
      throw unavailable(WECHAT_FACE_ERROR.timeout, `wechat-face (sandbox): no answer within ${this.opts.timeoutMs} ms`);
    }
    const parts = /^sandbox\.(pass|fail|stale)\.([0-9a-f]{32})\.([0-9a-f]{32})$/.exec(verifyResult);
    if (!parts) throw invalidArgument(WECHAT_FACE_ERROR.badVerifyResult, 'wechat-face (sandbox): not a verify result of the sandbox');
    const [, outcome, idMd5, nameMd5] = parts;
    return {
      passed: outcome !== 'fail',
      identifyRet: outcome === 'fail' ? FAILED_RET : 0,
      identifyTime: new Date(Math.floor((Date.now() - (outcome === 'stale' ? DAY_MS : 0)) / 1000) * 1000),
      idCardNumberMd5: idMd5,
      nameUtf8Md5: nameMd5,
      providerReference: verifyResultReference(verifyResult),
    };
  }
}
