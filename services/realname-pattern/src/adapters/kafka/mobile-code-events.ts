import { verification as proto } from '@kyc/contracts';
import { OutboxRecord, outboxRecord } from '@kyc/mongo-kit';
import { MobileCodeRequested } from '../../application/mobile-codes';

export const MOBILE_CODE_REQUESTED = 'kyc.verification.v1.MobileCodeRequested';

/** MobileCodeRequested as the outbox record that carries it to kyc.mobile-code.v1 (number and code sealed). */
export function mobileCodeOutboxRecord(topic: string, event: MobileCodeRequested, correlationId: string): OutboxRecord {
  return outboxRecord({
    topic,
    key: event.codeId,
    correlationId,
    causationId: '',
    type: MOBILE_CODE_REQUESTED,
    payload: Buffer.from(proto.MobileCodeRequested.encode(event).finish()),
  });
}
