import { redaction } from '@kyc/contracts';
import { isKycError, Logger, unavailable } from '@kyc/core';
import { EventBus, ProcessedEventStore, Subscription } from './bus';
import { EventEnvelope } from './envelope';
import { TOPICS } from './topics';

export const REDACTION_EVENT_TYPES = {
  requested: 'kyc.events.v1.SubjectRedactionRequested',
  completed: 'kyc.events.v1.SubjectRedactionCompleted',
} as const;

export interface RedactionRequest {
  redactionId: string;
  subjectId: string;
  partnerId: string;
}

/** One service's share of a redaction: erase what it holds about the subject, say how many records. */
export interface SubjectErasure {
  /** The service reported as done ("photo-storage", ...). */
  service: string;
  /** Idempotent: a repeat erases nothing more and resolves (0). */
  erase(request: RedactionRequest): Promise<number>;
}

/** Reads a SubjectRedactionRequested payload; throws (a poison message) when an id is missing. */
export function decodeRedactionRequest(payload: Uint8Array): RedactionRequest {
  const e = redaction.SubjectRedactionRequested.decode(payload);
  if (!e.redactionId || !e.subjectId || !e.partnerId) throw new Error('SubjectRedactionRequested lacks redaction_id, subject_id or partner_id');
  return { redactionId: e.redactionId, subjectId: e.subjectId, partnerId: e.partnerId };
}

/** The SubjectRedactionRequested payload (ids only). */
export function encodeRedactionRequest(request: RedactionRequest, requestedAt: Date): Buffer {
  return Buffer.from(redaction.SubjectRedactionRequested.encode({ ...request, requestedAt }).finish());
}

/**
 * Consumes kyc.redaction.v1 for one service: every erasure runs, then its completion is published
 * back on the same topic (the gateway shows it as that service's progress). A crash between the
 * two redelivers the request, the erasure finds nothing left and the completion is published then:
 * at least once, which the gateway absorbs. Undecodable requests are dead-lettered like any
 * poison message; a broker that refuses the completion keeps the request for a retry.
 */
export function subscribeToRedactionRequests(deps: {
  bus: EventBus;
  processed: ProcessedEventStore;
  groupId: string;
  erasures: SubjectErasure[];
  logger: Logger;
}): Promise<Subscription> {
  const log = deps.logger.child({ component: 'redaction' });
  return deps.bus.subscribe({
    groupId: deps.groupId,
    topics: [TOPICS.redaction],
    processed: deps.processed,
    handlers: {
      [REDACTION_EVENT_TYPES.requested]: async (env: EventEnvelope) => {
        const request = decodeRedactionRequest(env.payload);
        for (const erasure of deps.erasures) {
          const erased = await erasure.erase(request);
          await publishCompletion(deps.bus, env, request, erasure.service, erased);
          // Ids and counts only.
          log.info({ redactionId: request.redactionId, subjectId: request.subjectId, service: erasure.service, erased }, 'subject data erased');
        }
      },
    },
  });
}

async function publishCompletion(bus: EventBus, cause: EventEnvelope, request: RedactionRequest, service: string, erased: number): Promise<void> {
  const payload = redaction.SubjectRedactionCompleted.encode({ ...request, service, erased, completedAt: new Date() }).finish();
  try {
    await bus.publish(TOPICS.redaction, {
      type: REDACTION_EVENT_TYPES.completed,
      key: request.subjectId,
      payload,
      correlationId: cause.correlationId,
      causationId: cause.eventId,
    });
  } catch (err) {
    if (isKycError(err)) throw err;
    throw unavailable('KYC.REDACTION.REPORT_UNPUBLISHED', 'redaction completion not published; will retry', err);
  }
}
