import { KycError } from '@kyc/core';
import { IdentityRegistry } from '../../application/ports';
import { Verification } from '../../domain/verification';
import { ProcessProgress } from '../method';
import { createMethodRegistry } from '../registry';
import { MANUAL_REVIEW } from './manual-review-method';

const identities = (answer: { conflict: boolean } | Error = { conflict: false }): IdentityRegistry => ({
  validateIdNumber: async () => ({ valid: true, reasonCode: '' }),
  recordVerifiedIdentity: jest.fn(async () => {
    if (answer instanceof Error) throw answer;
    return answer;
  }),
});
const methodWith = (ids: IdentityRegistry) =>
  createMethodRegistry({ authority: { check: jest.fn() }, identities: ids }).get(MANUAL_REVIEW);
const verification = { id: 'case1:2', subjectId: 's1', partnerId: 'p1', method: MANUAL_REVIEW } as Verification;
const claim = { name: '张三', idNumber: '11010119900307123X', mobile: '' };
const ctx = (progress: ProcessProgress) => ({ verification, claim, progress, saveProgress: jest.fn(async () => undefined), correlationId: 'c' });
const decidedAt = new Date('2026-01-02T03:04:05Z');

describe('manual-review method', () => {
  it('when registered, then it waits for a reviewer (external) and is still picked up by the sweep once decided', () => {
    const registry = createMethodRegistry({ authority: { check: jest.fn() }, identities: identities() });
    expect(registry.get(MANUAL_REVIEW).processing).toBe('external');
    expect(registry.automatic()).not.toContain(MANUAL_REVIEW);
    expect(registry.processable()).toContain(MANUAL_REVIEW);
  });

  it('when the claim lacks a name or ID number, then it is refused; otherwise normalized without a mobile', () => {
    const method = methodWith(identities());
    expect(() => method.validateClaim({ name: '', idNumber: '1', mobile: '' })).toThrow(expect.objectContaining({ code: 'KYC.VERIFICATION.CLAIM_INCOMPLETE' }) as KycError);
    expect(method.validateClaim({ name: ' 张三 ', idNumber: '11010119900307123x', mobile: '138' })).toEqual(claim);
  });

  it('when the reviewer approved, then the identity is recorded with the ID-front photo and the verification succeeds OK', async () => {
    const ids = identities();
    expect(await methodWith(ids).process!(ctx({ reviewDecision: 'approved', reviewDecidedAt: decidedAt }))).toEqual({
      kind: 'complete',
      outcome: { state: 'SUCCEEDED', resultCode: 'OK' },
    });
    expect(ids.recordVerifiedIdentity).toHaveBeenCalledWith(
      {
        partnerId: 'p1',
        subjectId: 's1',
        name: claim.name,
        idNumber: claim.idNumber,
        method: 'manual-review',
        verificationId: 'case1:2',
        verifiedAt: decidedAt,
        cardFrontPhotoId: 's1:1',
        cardBackPhotoId: '',
      },
      'c',
    );
  });

  it('when the reviewer rejected, then it fails with REVIEW.<reason code> and nothing is recorded', async () => {
    const ids = identities();
    expect(await methodWith(ids).process!(ctx({ reviewDecision: 'rejected', reviewReasonCode: 'PHOTO_UNREADABLE' }))).toEqual({
      kind: 'complete',
      outcome: { state: 'FAILED', resultCode: 'REVIEW.PHOTO_UNREADABLE' },
    });
    expect(ids.recordVerifiedIdentity).not.toHaveBeenCalled();
  });

  it('when another subject of the partner already verified the ID number, then the approved verification fails IDENTITY.CONFLICT', async () => {
    expect(await methodWith(identities({ conflict: true })).process!(ctx({ reviewDecision: 'approved' }))).toMatchObject({
      kind: 'complete',
      outcome: { state: 'FAILED', resultCode: 'IDENTITY.CONFLICT' },
    });
  });

  it('when identity-lookup is unavailable, then it asks to retry and never names a code to give up with', async () => {
    const down = new KycError('KYC.GRPC.UNAVAILABLE', 'down', { kind: 'unavailable' });
    expect(await methodWith(identities(down)).process!(ctx({ reviewDecision: 'approved' }))).toEqual({ kind: 'retry', reason: 'KYC.GRPC.UNAVAILABLE' });
  });

  it('when no decision is recorded yet, then it keeps waiting', async () => {
    const ids = identities();
    expect(await methodWith(ids).process!(ctx({}))).toMatchObject({ kind: 'retry' });
    expect(ids.recordVerifiedIdentity).not.toHaveBeenCalled();
  });
});
