import { KycError } from '@kyc/core';
import { IdAuthority } from '../providers/id-authority/id-authority';
import { IdentityRegistry } from '../application/ports';
import { Verification } from '../domain/verification';
import { AUTHORITY_CHECK } from './authority-check/authority-check-method';
import { VerificationMethod } from './method';
import { createMethodRegistry, MethodRegistry } from './registry';

const identities = (conflict = false): IdentityRegistry => ({
  validateIdNumber: async () => ({ valid: true, reasonCode: '' }),
  recordVerifiedIdentity: jest.fn(async () => ({ conflict })),
});
const authority = (answer: Awaited<ReturnType<IdAuthority['check']>> | Error): IdAuthority => ({
  check: jest.fn(async () => {
    if (answer instanceof Error) throw answer;
    return answer;
  }),
});
const verification = { id: 'v1', subjectId: 's1', partnerId: 'p1', method: AUTHORITY_CHECK } as Verification;
const claim = { name: '张三', idNumber: '11010119900307123X', mobile: '' };
const ctx = (progress = {}) => ({ verification, claim, progress, saveProgress: jest.fn(async () => undefined), correlationId: 'c' });

describe('method registry', () => {
  it('when a method is not registered, then asking for it is INVALID_ARGUMENT naming the known ones', () => {
    const registry = createMethodRegistry({ authority: authority({ outcome: 'match', providerReference: 'r' }), identities: identities() });
    expect(() => registry.get('palm-reading')).toThrow(expect.objectContaining({ code: 'KYC.VERIFICATION.UNKNOWN_METHOD', kind: 'invalid_argument' }) as KycError);
    expect(registry.get(AUTHORITY_CHECK).name).toBe(AUTHORITY_CHECK);
    expect(registry.automatic()).toContain(AUTHORITY_CHECK);
  });

  it('when two methods share a name, then the registry refuses to build', () => {
    const m = { name: 'x', checksIdNumber: false, processing: 'external', validateClaim: (c) => c } as VerificationMethod;
    expect(() => new MethodRegistry([m, m])).toThrow(/registered twice/);
  });
});

describe('authority-check method', () => {
  it('when the claim lacks a name or ID number, or the mobile is malformed, then it is refused; otherwise normalized', () => {
    const method = createMethodRegistry({ authority: authority({ outcome: 'match', providerReference: 'r' }), identities: identities() }).get(AUTHORITY_CHECK);
    expect(() => method.validateClaim({ name: ' ', idNumber: '1', mobile: '' })).toThrow(expect.objectContaining({ code: 'KYC.VERIFICATION.CLAIM_INCOMPLETE' }) as KycError);
    expect(() => method.validateClaim({ ...claim, mobile: '12345' })).toThrow(expect.objectContaining({ code: 'KYC.VERIFICATION.INVALID_MOBILE' }) as KycError);
    expect(method.validateClaim({ name: ' 张三 ', idNumber: '11010119900307123x', mobile: '13800138000' })).toEqual({
      name: '张三',
      idNumber: '11010119900307123X',
      mobile: '13800138000',
    });
  });

  it('when the authority matches and identity-lookup records it, then the verification succeeds with the provider reference', async () => {
    const ids = identities();
    const method = createMethodRegistry({ authority: authority({ outcome: 'match', providerReference: 'order-1' }), identities: ids }).get(AUTHORITY_CHECK);
    expect(await method.process!(ctx())).toEqual({ kind: 'complete', outcome: { state: 'SUCCEEDED', resultCode: 'OK', providerReference: 'order-1' } });
    expect(ids.recordVerifiedIdentity).toHaveBeenCalledWith(expect.objectContaining({ subjectId: 's1', idNumber: claim.idNumber, verificationId: 'v1' }), 'c');
  });

  it.each([
    ['mismatch', 'AUTHORITY.MISMATCH'],
    ['no-record', 'AUTHORITY.NO_RECORD'],
  ] as const)('when the authority answers %s, then the verification fails with %s and nothing is recorded', async (outcome, code) => {
    const ids = identities();
    const method = createMethodRegistry({ authority: authority({ outcome, providerReference: 'o' }), identities: ids }).get(AUTHORITY_CHECK);
    expect(await method.process!(ctx())).toEqual({ kind: 'complete', outcome: { state: 'FAILED', resultCode: code, providerReference: 'o' } });
    expect(ids.recordVerifiedIdentity).not.toHaveBeenCalled();
  });

  it('when another subject of the partner verified the ID number, then it fails with IDENTITY.CONFLICT', async () => {
    const method = createMethodRegistry({ authority: authority({ outcome: 'match', providerReference: 'o' }), identities: identities(true) }).get(AUTHORITY_CHECK);
    expect(await method.process!(ctx())).toMatchObject({ kind: 'complete', outcome: { state: 'FAILED', resultCode: 'IDENTITY.CONFLICT' } });
  });

  it('when the authority is unavailable, then the attempt asks to retry and would give up with AUTHORITY.UNAVAILABLE', async () => {
    const down = new KycError('KYC.ID_AUTHORITY.TIMEOUT', 'no answer', { kind: 'unavailable' });
    const method = createMethodRegistry({ authority: authority(down), identities: identities() }).get(AUTHORITY_CHECK);
    expect(await method.process!(ctx())).toEqual({ kind: 'retry', giveUpCode: 'AUTHORITY.UNAVAILABLE', reason: 'KYC.ID_AUTHORITY.TIMEOUT' });
  });

  it('when an earlier attempt already matched, then a retry does not ask the authority again', async () => {
    const auth = authority({ outcome: 'mismatch', providerReference: 'x' });
    const method = createMethodRegistry({ authority: auth, identities: identities() }).get(AUTHORITY_CHECK);
    expect(await method.process!(ctx({ providerOutcome: 'match', providerReference: 'order-1' }))).toMatchObject({
      outcome: { state: 'SUCCEEDED', providerReference: 'order-1' },
    });
    expect(auth.check).not.toHaveBeenCalled();
  });
});
