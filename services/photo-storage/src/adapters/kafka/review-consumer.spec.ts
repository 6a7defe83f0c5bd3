import { review } from '@kyc/contracts';
import { createLogger } from '@kyc/core';
import { buildEnvelope, EventBus, EventEnvelope, ProcessedEventStore, SubscribeOptions } from '@kyc/kafka-bus';
import { subscribeToReviewEvents } from './review-consumer';

type Handlers = Record<string, (env: EventEnvelope) => Promise<void>>;

async function consumer() {
  let handlers: Handlers = {};
  const bus = {
    subscribe: async (opts: SubscribeOptions) => {
      handlers = opts.handlers as Handlers;
      return { pause: () => undefined, resume: () => undefined, stop: async () => undefined };
    },
  } as unknown as EventBus;
  const setLocked = jest.fn(async (_subjectId: string, _partnerId: string, _change: { locked: boolean; round: number }) => true);
  await subscribeToReviewEvents({ bus, processed: {} as ProcessedEventStore, photos: { setLocked }, logger: createLogger('test', 'silent') });
  /** Delivers an event the way the bus does: unknown types have no handler and are skipped. */
  const deliver = (type: string, payload: Uint8Array) => handlers[type]?.(buildEnvelope({ type, key: 's1', payload: Buffer.from(payload) }, 'test'));
  return { deliver, setLocked };
}

const lockChanged = (over: Partial<review.EvidenceLockChanged>) =>
  review.EvidenceLockChanged.encode(review.EvidenceLockChanged.fromPartial({ subjectId: 's1', partnerId: 'p1', locked: true, round: 1, changedAt: new Date(), ...over })).finish();

describe('photo-storage review consumer', () => {
  it('when EvidenceLockChanged arrives, then the lock is set to exactly what it says, with its round', async () => {
    const { deliver, setLocked } = await consumer();
    await deliver('kyc.review.v1.EvidenceLockChanged', lockChanged({ locked: true, round: 2 }));
    await deliver('kyc.review.v1.EvidenceLockChanged', lockChanged({ locked: false, round: 2 }));
    expect(setLocked.mock.calls).toEqual([
      ['s1', 'p1', { subjectId: 's1', partnerId: 'p1', locked: true, round: 2 }],
      ['s1', 'p1', { subjectId: 's1', partnerId: 'p1', locked: false, round: 2 }],
    ]);
  });

  it('when CaseSubmitted or CaseDecided arrives, then the lock is not touched (realname-pattern says it with EvidenceLockChanged)', async () => {
    const { deliver, setLocked } = await consumer();
    await deliver('kyc.review.v1.CaseSubmitted', review.CaseSubmitted.encode({ caseId: 'c1', subjectId: 's1', partnerId: 'p1', submittedAt: new Date() }).finish());
    await deliver(
      'kyc.review.v1.CaseDecided',
      review.CaseDecided.encode(review.CaseDecided.fromPartial({ caseId: 'c1', subjectId: 's1', status: review.ReviewStatus.REVIEW_STATUS_REJECTED })).finish(),
    );
    expect(setLocked).not.toHaveBeenCalled();
  });

  it('when EvidenceLockChanged names no subject or cannot be decoded, then it fails (to be dead-lettered) and nothing is locked', async () => {
    const { deliver, setLocked } = await consumer();
    await expect(deliver('kyc.review.v1.EvidenceLockChanged', lockChanged({ subjectId: '' }))).rejects.toMatchObject({ code: 'KYC.EVENT.INVALID' });
    await expect(deliver('kyc.review.v1.EvidenceLockChanged', Buffer.from([0x0a, 0xff]))).rejects.toThrow();
    expect(setLocked).not.toHaveBeenCalled();
  });
});
