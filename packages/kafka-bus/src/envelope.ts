import { randomUUID } from 'node:crypto';
import { events } from '@kyc/contracts';

export type EventEnvelope = events.EventEnvelope;

export interface NewEvent {
  /** Fully-qualified payload type, e.g. "kyc.submission.v1.InfoSubmitted". */
  type: string;
  /** Aggregate id: the Kafka key, so one subject's events keep their order. */
  key: string;
  payload: Uint8Array;
  eventId?: string;
  correlationId?: string;
  causationId?: string;
  occurredAt?: Date;
  /**
   * W3C trace context of the request that caused the event, when it is published later than
   * that request ran (an outbox record); the active context otherwise.
   */
  traceContext?: Record<string, string>;
}

export function buildEnvelope(e: NewEvent, producer: string): EventEnvelope {
  const eventId = e.eventId ?? randomUUID();
  return {
    eventId,
    type: e.type,
    occurredAt: e.occurredAt ?? new Date(),
    correlationId: e.correlationId || eventId,
    causationId: e.causationId ?? '',
    aggregateId: e.key,
    producer,
    payload: Buffer.from(e.payload),
  };
}

export function encodeEnvelope(env: EventEnvelope): Buffer {
  return Buffer.from(events.EventEnvelope.encode(env).finish());
}

/** Throws on bytes that are not an envelope or lack its required fields (a poison message). */
export function decodeEnvelope(bytes: Buffer | null): EventEnvelope {
  if (!bytes || bytes.length === 0) throw new Error('empty record value');
  const env = events.EventEnvelope.decode(bytes);
  if (!env.eventId || !env.type) throw new Error('envelope lacks event_id or type');
  return env;
}
