import { verification as proto } from '@kyc/contracts';
import { OutboxRecord, outboxRecord } from '@kyc/mongo-kit';
import { VerificationEvent, VerificationState } from '../../domain/verification';

export const VERIFICATION_EVENT_TYPES = {
  started: 'kyc.verification.v1.VerificationStarted',
  completed: 'kyc.verification.v1.VerificationCompleted',
} as const;

export const toProtoState = (state: VerificationState): proto.VerificationState =>
  ({
    STARTED: proto.VerificationState.VERIFICATION_STATE_STARTED,
    PROCESSING: proto.VerificationState.VERIFICATION_STATE_PROCESSING,
    SUCCEEDED: proto.VerificationState.VERIFICATION_STATE_SUCCEEDED,
    FAILED: proto.VerificationState.VERIFICATION_STATE_FAILED,
  })[state];

/** A domain event as the outbox record that carries it to kyc.verification.v1 (ids and codes only). */
export function verificationOutboxRecord(topic: string, event: VerificationEvent, correlationId: string): OutboxRecord {
  const common = { topic, key: event.subjectId, correlationId, causationId: '' };
  if (event.type === 'VerificationStarted') {
    return outboxRecord({
      ...common,
      type: VERIFICATION_EVENT_TYPES.started,
      payload: Buffer.from(
        proto.VerificationStarted.encode({
          verificationId: event.verificationId,
          subjectId: event.subjectId,
          partnerId: event.partnerId,
          method: event.method,
          startedAt: event.startedAt,
        }).finish(),
      ),
    });
  }
  return outboxRecord({
    ...common,
    type: VERIFICATION_EVENT_TYPES.completed,
    payload: Buffer.from(
      proto.VerificationCompleted.encode({
        verificationId: event.verificationId,
        subjectId: event.subjectId,
        partnerId: event.partnerId,
        method: event.method,
        state: toProtoState(event.state),
        resultCode: event.resultCode,
        completedAt: event.completedAt,
      }).finish(),
    ),
  });
}
