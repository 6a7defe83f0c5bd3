import { KycError } from '@kyc/core';
import { IdentityRegistry, ReviewCaseView } from '../../application/ports';
import { Verification } from '../../domain/verification';
import { ProcessProgress } from '../method';
import { createMethodRegistry } from '../registry';
import { DOCUMENT_REVIEW, documentEvidence } from './document-review-method';

const identities = (answer: { conflict: boolean } | Error = { conflict: false }): IdentityRegistry => ({
  validateIdNumber: async () => ({ valid: true, reasonCode: '' }),
  recordVerifiedIdentity: jest.fn(async () => {
    if (answer instanceof Error) throw answer;
    return answer;
  }),
});
const caseWith = (documentType: 'id-card' | 'passport', details: Record<string, string>) =>
  ({ found: true, extras: { method: DOCUMENT_REVIEW, documentType, details } }) as unknown as ReviewCaseView;

const methodWith = (ids: IdentityRegistry, reviewCase: ReviewCaseView | Error) =>
  createMethodRegistry({
    authority: { check: jest.fn() },
    liveness: { init: jest.fn(), result: jest.fn() },
    identities: ids,
    reviewCases: {
      find: async () => {
        if (reviewCase instanceof Error) throw reviewCase;
        return reviewCase;
      },
    },
  }).get(DOCUMENT_REVIEW);

const verification = { id: 'case1:1', subjectId: 's1', partnerId: 'p1', method: DOCUMENT_REVIEW } as Verification;
const claim = { name: '张三', idNumber: '11010519491231002X', mobile: '' };
const ctx = (progress: ProcessProgress) => ({ verification, claim, progress, saveProgress: jest.fn(async () => undefined), correlationId: 'c' });
const decidedAt = new Date('2026-01-02T03:04:05Z');

describe('document-review method (seed 001 four steps)', () => {
  it('when a round is opened, then its evidence is the front, back and hand-held photos', () => {
    expect(documentEvidence('s1')).toEqual(['s1:1', 's1:2', 's1:0']);
  });

  it('when an ID card is approved, then the identity is recorded with both card photos and the validity dates', async () => {
    const ids = identities();
    const method = methodWith(ids, caseWith('id-card', { singnTime: '2015-06-01', outofTime: '2035-06-01' }));
    expect(await method.process!(ctx({ reviewDecision: 'approved', reviewDecidedAt: decidedAt }))).toEqual({ kind: 'complete', outcome: { state: 'SUCCEEDED', resultCode: 'OK' } });
    expect(ids.recordVerifiedIdentity).toHaveBeenCalledWith(
      expect.objectContaining({
        method: DOCUMENT_REVIEW,
        cardFrontPhotoId: 's1:1',
        cardBackPhotoId: 's1:2',
        documentValidFrom: '2015-06-01',
        documentValidTo: '2035-06-01',
        verifiedAt: decidedAt,
      }),
      'c',
    );
  });

  it('when a long-term card is approved, then it is recorded without an end date', async () => {
    const ids = identities();
    await methodWith(ids, caseWith('id-card', { singnTime: '2015-06-01', outofTime: '' })).process!(ctx({ reviewDecision: 'approved' }));
    expect(ids.recordVerifiedIdentity).toHaveBeenCalledWith(expect.objectContaining({ documentValidTo: '' }), 'c');
  });

  it('when a passport is approved, then the verified identity is recorded as a passport with the approved birth date, gender and nationality', async () => {
    const ids = identities();
    const details = { country: 'Deutschland', birthday: '1990-03-07', gender: '2 (female)', singnTime: '2020-01-01', outofTime: '2030-01-01' };
    const passportClaim = { name: 'Anna Schmidt', idNumber: 'C01X00T47', mobile: '' };
    const result = await methodWith(ids, caseWith('passport', details)).process!({ ...ctx({ reviewDecision: 'approved', reviewDecidedAt: decidedAt }), claim: passportClaim });
    expect(result).toMatchObject({ outcome: { state: 'SUCCEEDED' } });
    expect(ids.recordVerifiedIdentity).toHaveBeenCalledWith(
      expect.objectContaining({
        idNumber: 'C01X00T47',
        documentValidFrom: '2020-01-01',
        passport: { birthDate: '1990-03-07', gender: 'F', nationality: 'Deutschland' },
      }),
      'c',
    );
  });

  it('when an approved passport is held by another subject of the partner, then the verification fails with IDENTITY.CONFLICT', async () => {
    const ids = identities({ conflict: true });
    const details = { country: '中国', birthday: '1990-03-07', gender: '1 (male)' };
    expect(await methodWith(ids, caseWith('passport', details)).process!(ctx({ reviewDecision: 'approved' }))).toMatchObject({
      outcome: { state: 'FAILED', resultCode: 'IDENTITY.CONFLICT' },
    });
  });

  it('when rejected, then it fails with the reviewer reason; when the case cannot be read, then it retries', async () => {
    expect(await methodWith(identities(), caseWith('id-card', {})).process!(ctx({ reviewDecision: 'rejected', reviewReasonCode: 'DOCUMENT_EXPIRED' }))).toMatchObject({
      outcome: { state: 'FAILED', resultCode: 'REVIEW.DOCUMENT_EXPIRED' },
    });
    const down = new KycError('KYC.MONGO.DOWN', 'x', { kind: 'unavailable' });
    expect(await methodWith(identities(), down).process!(ctx({ reviewDecision: 'approved' }))).toEqual({ kind: 'retry', reason: 'KYC.MONGO.DOWN' });
  });
});
