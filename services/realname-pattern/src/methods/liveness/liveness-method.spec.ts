import { KycError } from '@kyc/core';
import { IdentityRegistry } from '../../application/ports';
import { Verification } from '../../domain/verification';
import { Liveness, LivenessResult } from '../../providers/liveness/liveness';
import { ProcessProgress } from '../method';
import { createMethodRegistry } from '../registry';
import { LIVENESS } from './liveness-method';

const identities = (conflict = false): IdentityRegistry => ({
  validateIdNumber: async () => ({ valid: true, reasonCode: '' }),
  recordVerifiedIdentity: jest.fn(async () => ({ conflict })),
});
const provider = (result: LivenessResult | Error): Liveness => ({
  init: jest.fn(async () => ({ certifyId: 'cert1', expiresAt: new Date('2026-01-01T00:30:00Z') })),
  result: jest.fn(async () => {
    if (result instanceof Error) throw result;
    return result;
  }),
});
const methodWith = (liveness: Liveness, ids = identities()) =>
  createMethodRegistry({ authority: { check: jest.fn() }, liveness, identities: ids, reviewCases: { find: jest.fn() } }).get(LIVENESS);

const verification = { id: '0f8c1e52-8a8e-4a8b-9d55-6d1f0c3c9a11', subjectId: 's1', partnerId: 'p1', method: LIVENESS, providerReference: 'cert1' } as Verification;
const claim = { name: '张三', idNumber: '11010519491231002X', mobile: '' };
const ctx = (progress: ProcessProgress = {}) => ({ verification, claim, progress, saveProgress: jest.fn(async () => undefined), correlationId: 'c' });
const answer = (outcome: LivenessResult['outcome'], subCode = '') => ({ outcome, subCode, providerReference: 'cert1' });

describe('liveness method', () => {
  it('when begun, then the provider opens a certification for the claim and the device gets its id and expiry', async () => {
    const liveness = provider(answer('passed'));
    const begun = await methodWith(liveness).begin!({ verificationId: verification.id, subjectId: 's1', claim, input: { meta_info: '{"a":1}' } });
    expect(liveness.init).toHaveBeenCalledWith({ subjectRef: 's1', name: '张三', idNumber: claim.idNumber, outerOrderNo: '0f8c1e528a8e4a8b9d556d1f0c3c9a11', metaInfo: '{"a":1}' });
    expect(begun).toEqual({
      providerReference: 'cert1',
      output: { certify_id: 'cert1', expires_at: '2026-01-01T00:30:00.000Z' },
      progress: { providerExpiresAt: new Date('2026-01-01T00:30:00Z') },
    });
  });

  it('when the provider says passed, then the identity is recorded and the verification succeeds with the certify id', async () => {
    const ids = identities();
    expect(await methodWith(provider(answer('passed', '200')), ids).process!(ctx())).toEqual({
      kind: 'complete',
      outcome: { state: 'SUCCEEDED', resultCode: 'OK', providerReference: 'cert1' },
    });
    expect(ids.recordVerifiedIdentity).toHaveBeenCalledWith(expect.objectContaining({ method: LIVENESS, idNumber: claim.idNumber }), 'c');
  });

  it.each([
    ['failed', 'LIVENESS.FAILED'],
    ['expired', 'LIVENESS.EXPIRED'],
  ] as const)('when the provider says %s, then it fails with %s and nothing is recorded', async (outcome, code) => {
    const ids = identities();
    expect(await methodWith(provider(answer(outcome, '204')), ids).process!(ctx())).toMatchObject({ outcome: { state: 'FAILED', resultCode: code } });
    expect(ids.recordVerifiedIdentity).not.toHaveBeenCalled();
  });

  it('when the person has not finished, then it asks again later without a give-up code (the provider expires it)', async () => {
    expect(await methodWith(provider(answer('not-finished'))).process!(ctx())).toEqual({ kind: 'retry', reason: 'KYC.LIVENESS.NOT_FINISHED' });
  });

  it('when the provider is down, then it retries and would give up with LIVENESS.UNAVAILABLE', async () => {
    const down = new KycError('KYC.LIVENESS.BREAKER_OPEN', 'open', { kind: 'unavailable' });
    expect(await methodWith(provider(down)).process!(ctx())).toEqual({ kind: 'retry', giveUpCode: 'LIVENESS.UNAVAILABLE', reason: 'KYC.LIVENESS.BREAKER_OPEN' });
  });

  it('when an earlier attempt saw the pass, then a retry does not ask the provider again', async () => {
    const liveness = provider(answer('failed'));
    expect(await methodWith(liveness).process!(ctx({ providerOutcome: 'passed' }))).toMatchObject({ outcome: { state: 'SUCCEEDED' } });
    expect(liveness.result).not.toHaveBeenCalled();
  });
});
