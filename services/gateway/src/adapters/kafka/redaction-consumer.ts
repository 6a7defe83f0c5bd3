import { redaction } from '@kyc/contracts';
import { Logger } from '@kyc/core';
import { EventBus, ProcessedEventStore, REDACTION_EVENT_TYPES, SubjectErasure, subscribeToRedactionRequests, Subscription, TOPICS } from '@kyc/kafka-bus';

/**
 * The gateway on kyc.redaction.v1: erases its own share of each redaction (like every service),
 * and, in a group of its own, records every service's completion report for the partner's GET.
 */
export async function subscribeToRedactions(deps: {
  bus: EventBus;
  processed: ProcessedEventStore;
  erasure: SubjectErasure;
  progress: { recordCompletion(redactionId: string, service: string, completedAt: Date): Promise<void> };
  logger: Logger;
}): Promise<Subscription[]> {
  const erasing = await subscribeToRedactionRequests({ bus: deps.bus, processed: deps.processed, groupId: 'gateway.redaction', erasures: [deps.erasure], logger: deps.logger });
  const reports = await deps.bus.subscribe({
    groupId: 'gateway.redaction-progress',
    topics: [TOPICS.redaction],
    processed: deps.processed,
    handlers: {
      [REDACTION_EVENT_TYPES.completed]: async (env) => {
        const e = redaction.SubjectRedactionCompleted.decode(env.payload);
        if (!e.redactionId || !e.service) throw new Error('SubjectRedactionCompleted lacks redaction_id or service');
        await deps.progress.recordCompletion(e.redactionId, e.service, e.completedAt ?? env.occurredAt ?? new Date());
      },
    },
  });
  return [erasing, reports];
}
