import { createHash } from 'node:crypto';
import { unavailable } from '@kyc/core';
import { LIVENESS_ERROR, Liveness, LivenessInit, LivenessOutcome, LivenessResult, LivenessSession, checkCertifyId, checkLivenessInit } from './liveness';

/**
 * Deterministic test identities for `npm start`, integration tests and partners' test mode. The
 * outcome depends only on the ID number's sequence code (digits 15-17), in a range the sandbox
 * ID authority answers "match" for, so one test identity can go through both:
 *
 *   980-982  failed, SubCode 204 (the face does not match the ID photo)
 *   983-984  failed, SubCode 205 (the liveness check found a risk)
 *   985      expired (the person never finished in time)
 *   986      not finished (the result stays not-finished)
 *   987      the provider is down (init fails with KYC.LIVENESS.UNAVAILABLE)
 *   988      the provider times out (init fails like the HTTP adapter's timeout, after timeoutMs)
 *   other    passed
 *
 * No camera is involved: the result is known at init. The certify id carries the outcome and a
 * hash of the attempt, not the ID number, so the sandbox keeps no state across restarts.
 */
const RESULTS: Record<string, { outcome: LivenessOutcome; subCode: string }> = {
  P: { outcome: 'passed', subCode: '200' },
  M: { outcome: 'failed', subCode: '204' },
  R: { outcome: 'failed', subCode: '205' },
  E: { outcome: 'expired', subCode: '' },
  N: { outcome: 'not-finished', subCode: '' },
};

function resultKey(seq: number): keyof typeof RESULTS {
  if (seq >= 980 && seq <= 982) return 'M';
  if (seq === 983 || seq === 984) return 'R';
  if (seq === 985) return 'E';
  if (seq === 986) return 'N';
  return 'P';
}

export class SandboxLiveness implements Liveness {
  constructor(private readonly opts: { timeoutMs: number; certifyTtlMs: number }) {}

  async init(input: LivenessInit): Promise<LivenessSession> {
    checkLivenessInit(input);
    const seq = Number(input.idNumber.slice(14, 17));
    if (seq === 987) throw unavailable(LIVENESS_ERROR.unavailable, 'liveness (sandbox): HTTP 500');
    if (seq === 988) {
      await new Promise((r) => setTimeout(r, this.opts.timeoutMs));
      throw unavailable(LIVENESS_ERROR.timeout, `liveness (sandbox): no answer within ${this.opts.timeoutMs} ms`);
    }
    const attempt = createHash('sha256').update(`${input.outerOrderNo}|${input.idNumber}|${input.name}`).digest('hex').slice(0, 24);
    return { certifyId: `sandbox${attempt}${resultKey(seq)}`, expiresAt: new Date(Date.now() + this.opts.certifyTtlMs) };
  }

  async result(certifyId: string): Promise<LivenessResult> {
    checkCertifyId(certifyId);
    const known = certifyId.startsWith('sandbox') ? RESULTS[certifyId.slice(-1)] : undefined;
    if (!known) throw unavailable(LIVENESS_ERROR.refused, 'liveness (sandbox): not a certify id of the sandbox');
    return { ...known, providerReference: certifyId };
  }
}
