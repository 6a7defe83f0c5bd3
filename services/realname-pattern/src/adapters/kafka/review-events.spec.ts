import { review } from '@kyc/contracts';
import { CaseStatus, decisionEvents, submissionEvents } from '../../domain/review-case';
import { reviewOutboxRecord } from './review-events';

const ids = { caseId: 'c1', subjectId: 's1', partnerId: 'p1' };
const at = new Date('2026-01-02T03:04:05Z');
const meta = { correlationId: 'corr-1', causationId: 'evt-0' };

describe('review events on kyc.review.v1', () => {
  it('when a case is submitted, then CaseSubmitted and EvidenceLockChanged decode to what the domain said, keyed by the subject', () => {
    const [submitted, lock] = submissionEvents(ids, 3, at).map((e) => reviewOutboxRecord('kyc.review.v1', e, meta));
    expect(submitted).toMatchObject({ topic: 'kyc.review.v1', type: 'kyc.review.v1.CaseSubmitted', key: 's1', correlationId: 'corr-1', causationId: 'evt-0' });
    expect(review.CaseSubmitted.decode(submitted.payload)).toEqual({ caseId: 'c1', subjectId: 's1', partnerId: 'p1', submittedAt: at });
    expect(lock).toMatchObject({ type: 'kyc.review.v1.EvidenceLockChanged', key: 's1' });
    expect(review.EvidenceLockChanged.decode(lock.payload)).toEqual({ subjectId: 's1', partnerId: 'p1', locked: true, round: 3, changedAt: at });
    expect(submitted.eventId).not.toBe(lock.eventId);
  });

  it('when a case is rejected, then CaseDecided carries the status, round and reason code but no note, under the given event id', () => {
    const [decided] = decisionEvents(ids, { toStatus: CaseStatus.Rejected, reviewerId: 'rv_1', round: 2, reasonCode: 'PHOTO_MISMATCH', decidedAt: at });
    const record = reviewOutboxRecord('kyc.review.v1', decided, { ...meta, eventId: 'decision-event-1' });
    expect(record.eventId).toBe('decision-event-1');
    expect(review.CaseDecided.decode(record.payload)).toEqual({
      caseId: 'c1',
      subjectId: 's1',
      partnerId: 'p1',
      status: review.ReviewStatus.REVIEW_STATUS_REJECTED,
      reviewerId: 'rv_1',
      reason: '',
      decidedAt: at,
      round: 2,
      reasonCode: 'PHOTO_MISMATCH',
    });
  });

  it('when a submission is refused, then SubmissionRefused carries ids and the reason code only', () => {
    const record = reviewOutboxRecord('kyc.review.v1', { type: 'SubmissionRefused', subjectId: 's1', partnerId: 'p1', reasonCode: 'KYC.IDENTITY.INVALID_CHECK_DIGIT' }, meta);
    expect(record.type).toBe('kyc.review.v1.SubmissionRefused');
    expect(review.SubmissionRefused.decode(record.payload)).toEqual({ subjectId: 's1', partnerId: 'p1', reasonCode: 'KYC.IDENTITY.INVALID_CHECK_DIGIT' });
  });
});
