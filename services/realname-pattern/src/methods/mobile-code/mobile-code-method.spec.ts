import { IdentityRegistry, VerifiedMobileRegistry } from '../../application/ports';
import { RosterDirectory } from '../../application/roster-directory';
import { runMethod } from '../run-method.fake';
import { mobileCodeMethod } from './mobile-code-method';

const identities = (): IdentityRegistry => ({ validateIdNumber: jest.fn(), recordVerifiedIdentity: jest.fn() });

const mobiles = (answer: { conflict: boolean } | Error = { conflict: false }): VerifiedMobileRegistry & { recordVerifiedMobile: jest.Mock } => ({
  recordVerifiedMobile: jest.fn(async () => {
    if (answer instanceof Error) throw answer;
    return answer;
  }),
});

async function run(check: jest.Mock, input: Record<string, string>, mobile = '+86 138 0013 8000', registry = mobiles()) {
  const ids = identities();
  const m = mobileCodeMethod({ roster: {} as RosterDirectory, identities: ids, mobileCodes: { check }, mobiles: registry });
  const claim = m.validateClaim({ name: '', idNumber: '', mobile });
  const { begun, result } = await runMethod(m, input, claim);
  return { ids, registry, claim, begun, result };
}

const accepted = () => jest.fn(async () => ({ ok: true as const, codeId: 'code-1' }));

describe('mobile-code (seed 003 MOBILE)', () => {
  it('when the code sent to the number is given, then it succeeds, the number is recorded as the verified mobile and no identity is registered', async () => {
    const check = accepted();
    const { ids, registry, claim, result } = await run(check, { code: '123456' });
    expect(check).toHaveBeenCalledWith({ partnerId: 'p1', subjectId: 's1', mobile: '13800138000', code: '123456' });
    expect(claim.mobile).toBe('13800138000');
    expect(result).toMatchObject({ outcome: { state: 'SUCCEEDED', providerReference: 'code-1' } });
    expect(registry.recordVerifiedMobile).toHaveBeenCalledWith(
      expect.objectContaining({ partnerId: 'p1', subjectId: 's1', mobile: '13800138000', method: 'mobile-code', verificationId: 'v1' }),
      'c',
    );
    expect(ids.recordVerifiedIdentity).not.toHaveBeenCalled();
  });

  it('when another user of the partner has verified the number, then it fails IDENTITY.CONFLICT', async () => {
    const { result } = await run(accepted(), { code: '123456' }, undefined, mobiles({ conflict: true }));
    expect(result).toMatchObject({ kind: 'complete', outcome: { state: 'FAILED', resultCode: 'IDENTITY.CONFLICT' } });
  });

  it('when identity-lookup cannot record the number, then processing retries and would give up as IDENTITY.UNAVAILABLE', async () => {
    const { result } = await run(accepted(), { code: '123456' }, undefined, mobiles(new Error('down')));
    expect(result).toEqual({ kind: 'retry', giveUpCode: 'IDENTITY.UNAVAILABLE', reason: 'KYC.INTERNAL' });
  });

  it('when the code is refused, then it fails with the reason and no number is recorded', async () => {
    const { registry, result } = await run(jest.fn(async () => ({ ok: false as const, resultCode: 'MOBILE.CODE_EXPIRED' })), { code: '123456' });
    expect(result).toMatchObject({ outcome: { state: 'FAILED', resultCode: 'MOBILE.CODE_EXPIRED' } });
    expect(registry.recordVerifiedMobile).not.toHaveBeenCalled();
  });

  it('when the code is not digits or the number is not a mobile, then nothing starts', async () => {
    const check = jest.fn();
    await expect(run(check, { code: '12ab' })).rejects.toMatchObject({ code: 'KYC.VERIFICATION.INVALID_INPUT' });
    await expect(run(check, { code: '123456' }, '12345678901')).rejects.toMatchObject({ code: 'KYC.MOBILE_CODE.INVALID_MOBILE' });
    expect(check).not.toHaveBeenCalled();
  });
});
