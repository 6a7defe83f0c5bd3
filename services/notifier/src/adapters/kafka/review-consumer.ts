import { review } from '@kyc/contracts';
import { Logger } from '@kyc/core';
import { EventBus, EventEnvelope, ProcessedEventStore, Subscription, TOPICS } from '@kyc/kafka-bus';
import { NotificationRepository } from '../mongo/notification-repository';

/** Review outcomes become notifications owed to the partner. */
export async function subscribeToReviewOutcomes(deps: {
  bus: EventBus;
  processed: ProcessedEventStore;
  notifications: NotificationRepository;
  logger: Logger;
}): Promise<Subscription> {
  const queue = (kind: string, partnerId: string, subjectId: string, status: number, env: EventEnvelope) =>
    deps.notifications.enqueue({ _id: env.eventId, partnerId, subjectId, kind, status, correlationId: env.correlationId });

  return deps.bus.subscribe({
    groupId: 'notifier.review-outcomes',
    topics: [TOPICS.review],
    processed: deps.processed,
    handlers: {
      'kyc.review.v1.CaseDecided': async (env) => {
        const e = review.CaseDecided.decode(env.payload);
        await queue('case-decided', e.partnerId, e.subjectId, e.status, env);
      },
      'kyc.review.v1.SubmissionRefused': async (env) => {
        const e = review.SubmissionRefused.decode(env.payload);
        await queue('submission-refused', e.partnerId, e.subjectId, review.ReviewStatus.REVIEW_STATUS_UNSPECIFIED, env);
      },
    },
  });
}
