import { createHash } from 'node:crypto';
import { unavailable } from '@kyc/core';
import { UNIONPAY_FACE_ERROR, UnionpayFace, UnionpayFaceAnswer, UnionpayFaceRequest, checkUnionpayFaceRequest } from './unionpay-face';

/**
 * Deterministic test identities for `npm start`, integration tests and partners' test mode; the
 * default adapter until UnionPay confirms the flow (see unionpay-face.ts). Any well-formed request
 * is accepted (token, sign and faceImage are not checked); the answer depends only on the ID
 * number's sequence code (certCode digits 15-17), in a range the ID authority sandbox answers
 * "match" for:
 *
 *   960-964  failed, compareResult 01 (the face is not the ID holder's)
 *   965      UnionPay refuses the call (KYC.UNIONPAY_FACE.REFUSED, e.g. a spent token)
 *   967      UnionPay is down (KYC.UNIONPAY_FACE.UNAVAILABLE)
 *   968      UnionPay does not answer (KYC.UNIONPAY_FACE.TIMEOUT after timeoutMs)
 *   other    passed, compareResult 00
 */
export class SandboxUnionpayFace implements UnionpayFace {
  constructor(private readonly opts: { timeoutMs: number }) {}

  async verify(request: UnionpayFaceRequest): Promise<UnionpayFaceAnswer> {
    checkUnionpayFaceRequest(request);
    const seq = Number(request.certCode.slice(14, 17));
    if (seq === 965) throw unavailable(UNIONPAY_FACE_ERROR.refused, 'unionpay-face (sandbox): verify: resp 10');
    if (seq === 967) throw unavailable(UNIONPAY_FACE_ERROR.unavailable, 'unionpay-face (sandbox): verify: HTTP 500');
    if (seq === 968) {
      await new Promise((r) => setTimeout(r, this.opts.timeoutMs));
      throw unavailable(UNIONPAY_FACE_ERROR.timeout, `unionpay-face (sandbox): no answer within ${this.opts.timeoutMs} ms`);
    }
    // A reference stable per request that reveals neither the person nor the picture.
    const providerReference = `sandbox-${createHash('sha256').update(`${request.orgCode}|${request.orgSeq}|${request.authSeq}`).digest('hex').slice(0, 16)}`;
    if (seq >= 960 && seq <= 964) return { outcome: 'failed', resultCode: '01', providerReference };
    return { outcome: 'passed', resultCode: '00', providerReference };
  }
}
