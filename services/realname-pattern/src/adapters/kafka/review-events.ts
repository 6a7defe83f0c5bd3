import { review as proto } from '@kyc/contracts';
import { OutboxRecord, outboxRecord } from '@kyc/mongo-kit';
import { ReviewEvent } from '../../domain/review-case';

export const REVIEW_EVENT_TYPES = {
  CaseSubmitted: 'kyc.review.v1.CaseSubmitted',
  CaseDecided: 'kyc.review.v1.CaseDecided',
  SubmissionRefused: 'kyc.review.v1.SubmissionRefused',
  EvidenceLockChanged: 'kyc.review.v1.EvidenceLockChanged',
} as const satisfies Record<ReviewEvent['type'], string>;

function payloadOf(event: ReviewEvent): Uint8Array {
  switch (event.type) {
    case 'CaseSubmitted':
      return proto.CaseSubmitted.encode({
        caseId: event.caseId,
        subjectId: event.subjectId,
        partnerId: event.partnerId,
        submittedAt: event.submittedAt,
      }).finish();
    case 'CaseDecided':
      return proto.CaseDecided.encode({
        caseId: event.caseId,
        subjectId: event.subjectId,
        partnerId: event.partnerId,
        status: event.status as number as proto.ReviewStatus,
        reviewerId: event.reviewerId,
        // Deprecated and always empty: the reviewer's note may hold personal data.
        reason: '',
        decidedAt: event.decidedAt,
        round: event.round,
        reasonCode: event.reasonCode,
      }).finish();
    case 'SubmissionRefused':
      return proto.SubmissionRefused.encode({ subjectId: event.subjectId, partnerId: event.partnerId, reasonCode: event.reasonCode }).finish();
    case 'EvidenceLockChanged':
      return proto.EvidenceLockChanged.encode({
        subjectId: event.subjectId,
        partnerId: event.partnerId,
        locked: event.locked,
        round: event.round,
        changedAt: event.changedAt,
      }).finish();
  }
}

/** A domain event as the outbox record that carries it to kyc.review.v1 (ids and codes only), keyed by the subject. */
export function reviewOutboxRecord(
  topic: string,
  event: ReviewEvent,
  meta: { correlationId: string; causationId: string; eventId?: string },
): OutboxRecord {
  return outboxRecord({
    ...(meta.eventId ? { eventId: meta.eventId } : {}),
    topic,
    type: REVIEW_EVENT_TYPES[event.type],
    key: event.subjectId,
    payload: Buffer.from(payloadOf(event)),
    correlationId: meta.correlationId,
    causationId: meta.causationId,
  });
}
