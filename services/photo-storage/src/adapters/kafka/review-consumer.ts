import { review } from '@kyc/contracts';
import { invalidArgument, Logger } from '@kyc/core';
import { EventBus, EventEnvelope, ProcessedEventStore, Subscription, TOPICS } from '@kyc/kafka-bus';
import { lockedAfter, ReviewOutcome } from '../../domain/photo-rules';
import { PhotoRepository } from '../mongo/photo-repository';

/**
 * photo-storage keeps its own copy of "may this subject's photos change?", fed by review events,
 * so that it enforces the lock from its own state and in the same atomic update that stores a
 * photo (the gateway's check against realname-pattern is the first line, this is the last).
 * Once CaseSubmitted is applied no commit can land, whatever the interleaving. What remains is
 * the event's propagation delay (milliseconds to a second): an upload that passed the gateway's
 * check before submission and commits inside that window is stored; one that starts after the
 * submission is refused by the gateway.
 * Events of one subject arrive in order (the key is the subject id); the bus drops duplicates
 * and dead-letters poison messages.
 */
export async function subscribeToReviewEvents(deps: {
  bus: EventBus;
  processed: ProcessedEventStore;
  photos: PhotoRepository;
  logger: Logger;
}): Promise<Subscription> {
  const apply = async (subjectId: string, partnerId: string, outcome: ReviewOutcome) => {
    if (!subjectId) throw invalidArgument('KYC.EVENT.INVALID', 'review event lacks subject_id');
    const locked = lockedAfter(outcome);
    await deps.photos.setLocked(subjectId, partnerId, locked);
    deps.logger.info({ subjectId, outcome, locked }, 'photo lock updated from review');
  };

  return deps.bus.subscribe({
    groupId: 'photo-storage.review-locks',
    topics: [TOPICS.review],
    processed: deps.processed,
    handlers: {
      'kyc.review.v1.CaseSubmitted': async (env: EventEnvelope) => {
        const e = review.CaseSubmitted.decode(env.payload);
        await apply(e.subjectId, e.partnerId, 'submitted');
      },
      'kyc.review.v1.CaseDecided': async (env: EventEnvelope) => {
        const e = review.CaseDecided.decode(env.payload);
        if (e.status === review.ReviewStatus.REVIEW_STATUS_APPROVED) await apply(e.subjectId, e.partnerId, 'approved');
        else if (e.status === review.ReviewStatus.REVIEW_STATUS_REJECTED) await apply(e.subjectId, e.partnerId, 'rejected');
        else throw invalidArgument('KYC.EVENT.INVALID', 'CaseDecided with a status that is no decision');
      },
    },
  });
}
