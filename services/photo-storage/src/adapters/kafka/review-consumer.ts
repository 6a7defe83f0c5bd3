import { review } from '@kyc/contracts';
import { invalidArgument, Logger } from '@kyc/core';
import { EventBus, EventEnvelope, ProcessedEventStore, Subscription, TOPICS } from '@kyc/kafka-bus';
import { PhotoRepository } from '../mongo/photo-repository';

export const EVIDENCE_LOCK_CHANGED = 'kyc.review.v1.EvidenceLockChanged';

/** The lock change an EvidenceLockChanged event carries; throws INVALID_ARGUMENT (dead-lettered) when it names no subject. */
export function lockChangeOf(env: EventEnvelope): { subjectId: string; partnerId: string; locked: boolean; round: number } {
  const e = review.EvidenceLockChanged.decode(env.payload);
  if (!e.subjectId) throw invalidArgument('KYC.EVENT.INVALID', 'EvidenceLockChanged lacks subject_id');
  return { subjectId: e.subjectId, partnerId: e.partnerId, locked: e.locked, round: e.round };
}

/**
 * photo-storage keeps its own copy of "may this subject's photos change?", so that it enforces
 * the lock from its own state and in the same atomic update that stores a photo (the gateway's
 * check against realname-pattern is the first line, this is the last). realname-pattern decides
 * the lock and publishes it as EvidenceLockChanged; this consumer sets what the event says and
 * derives nothing from CaseSubmitted or CaseDecided (it has no handler for them, so the bus skips
 * them). Once a lock is applied no commit can land, whatever the interleaving; what remains is
 * the event's propagation delay (milliseconds to a second).
 * Events of one subject arrive in order (the key is the subject id); the bus drops duplicates and
 * dead-letters poison messages; a change of an older round than the applied one is ignored.
 */
export async function subscribeToReviewEvents(deps: {
  bus: EventBus;
  processed: ProcessedEventStore;
  photos: Pick<PhotoRepository, 'setLocked'>;
  logger: Logger;
}): Promise<Subscription> {
  return deps.bus.subscribe({
    groupId: 'photo-storage.review-locks',
    topics: [TOPICS.review],
    processed: deps.processed,
    handlers: {
      [EVIDENCE_LOCK_CHANGED]: async (env: EventEnvelope) => {
        const change = lockChangeOf(env);
        const applied = await deps.photos.setLocked(change.subjectId, change.partnerId, change);
        deps.logger.info({ subjectId: change.subjectId, locked: change.locked, round: change.round, applied }, applied ? 'photo lock updated' : 'older lock change ignored');
      },
    },
  });
}
