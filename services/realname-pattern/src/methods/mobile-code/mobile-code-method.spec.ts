import { IdentityRegistry } from '../../application/ports';
import { RosterDirectory } from '../../application/roster-directory';
import { runMethod } from '../run-method.fake';
import { mobileCodeMethod } from './mobile-code-method';

const identities = (): IdentityRegistry => ({ validateIdNumber: jest.fn(), recordVerifiedIdentity: jest.fn() });

async function run(check: jest.Mock, input: Record<string, string>, mobile = '+86 138 0013 8000') {
  const ids = identities();
  const m = mobileCodeMethod({ roster: {} as RosterDirectory, identities: ids, mobileCodes: { check } });
  const claim = m.validateClaim({ name: '', idNumber: '', mobile });
  const { begun, result } = await runMethod(m, input, claim);
  return { ids, claim, begun, result };
}

describe('mobile-code (seed 003 MOBILE)', () => {
  it('when the code sent to the number is given, then it succeeds with the normalized number as the claim and no identity registered', async () => {
    const check = jest.fn(async () => ({ ok: true as const, codeId: 'code-1' }));
    const { ids, claim, result } = await run(check, { code: '123456' });
    expect(check).toHaveBeenCalledWith({ partnerId: 'p1', subjectId: 's1', mobile: '13800138000', code: '123456' });
    expect(claim.mobile).toBe('13800138000');
    expect(result).toMatchObject({ outcome: { state: 'SUCCEEDED', providerReference: 'code-1' } });
    expect(ids.recordVerifiedIdentity).not.toHaveBeenCalled();
  });

  it('when the code is refused, then it fails with the reason', async () => {
    const { result } = await run(jest.fn(async () => ({ ok: false as const, resultCode: 'MOBILE.CODE_EXPIRED' })), { code: '123456' });
    expect(result).toMatchObject({ outcome: { state: 'FAILED', resultCode: 'MOBILE.CODE_EXPIRED' } });
  });

  it('when the code is not digits or the number is not a mobile, then nothing starts', async () => {
    const check = jest.fn();
    await expect(run(check, { code: '12ab' })).rejects.toMatchObject({ code: 'KYC.VERIFICATION.INVALID_INPUT' });
    await expect(run(check, { code: '123456' }, '12345678901')).rejects.toMatchObject({ code: 'KYC.MOBILE_CODE.INVALID_MOBILE' });
    expect(check).not.toHaveBeenCalled();
  });
});
