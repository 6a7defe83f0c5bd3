import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import pLimit from 'p-limit';
import { Registry } from 'prom-client';
import { Logger, registerSampledGauge } from '@kyc/core';
import { currentTraceContext } from '@kyc/telemetry';
import { bytesOf } from './bytes';
import { DocumentLocks } from './document-locks';

/**
 * Transactional outbox without multi-document transactions (FerretDB v1 and a standalone
 * MongoDB have none): the event is pushed onto an `outbox` array inside the very document whose
 * state changes, in the same single-document update. A relay then publishes pending records and
 * removes them. A crash between "saved" and "published" therefore loses nothing; it can only
 * publish twice, which consumers absorb by event id.
 */
export interface OutboxRecord {
  eventId: string;
  topic: string;
  type: string;
  key: string;
  payload: Buffer;
  correlationId: string;
  causationId: string;
  occurredAt: Date;
  /** W3C trace context of the request that wrote the record, so its publication joins that trace. */
  traceContext?: Record<string, string>;
}

export const outboxSchemaFields = {
  outbox: { type: [mongoose.Schema.Types.Mixed], default: [] },
  outboxPending: { type: Boolean, default: false, index: true },
};

export function outboxRecord(input: Omit<OutboxRecord, 'eventId' | 'occurredAt' | 'traceContext'> & { eventId?: string }): OutboxRecord {
  const traceContext = currentTraceContext();
  return { ...input, eventId: input.eventId ?? randomUUID(), occurredAt: new Date(), ...(traceContext ? { traceContext } : {}) };
}

/** Update operators that append records to a document's outbox; merge them into the state change. */
export function pushOutbox(...records: OutboxRecord[]) {
  return { $push: { outbox: { $each: records } }, $set: { outboxPending: true } };
}

export type OutboxPublisher = (record: OutboxRecord) => Promise<void>;

export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  private readonly intervalMs: number;
  private readonly locks?: DocumentLocks;
  private readonly batchSize: number;
  private readonly concurrency: number;

  /**
   * `locks`: the service's per-document lock table, when its writers use one (needed on FerretDB
   * v1, see DocumentLocks): the relay then removes published records under the same lock, so its
   * update cannot undo a concurrent write of the document.
   */
  constructor(
    private readonly collection: mongoose.mongo.Collection<mongoose.mongo.Document>,
    private readonly publish: OutboxPublisher,
    private readonly logger: Logger,
    opts: { intervalMs?: number; locks?: DocumentLocks; batchSize?: number; concurrency?: number; metrics?: Registry } = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 200;
    this.locks = opts.locks;
    this.batchSize = opts.batchSize ?? 100;
    this.concurrency = opts.concurrency ?? 8;
    if (opts.metrics) {
      registerSampledGauge(
        opts.metrics,
        { name: 'outbox_pending_documents', help: 'Documents whose outbox holds records not yet published, per collection', labelNames: ['collection'] },
        async () => [{ labels: { collection: collection.collectionName }, value: await collection.countDocuments({ outboxPending: true }) }],
      );
    }
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      let busy = false;
      this.running = this.drain()
        .then((published) => void (busy = published > 0))
        .catch((err: Error) => this.logger.warn({ err: err.message }, 'outbox relay pass failed; will retry'))
        .finally(() => {
          // A pass that found work looks again at once: a backlog drains without waiting a tick per batch.
          if (!this.stopped) this.timer = setTimeout(tick, busy ? 0 : this.intervalMs);
        });
    };
    tick();
  }

  /**
   * Publishes every pending record once; returns how many were published. Documents are relayed
   * a few at a time: each one's records stay in order (its events share a key), while the
   * round trips of different documents (a publish with acks=all, the removals) overlap instead
   * of adding up, which is what bounds the relay's rate under load.
   */
  async drain(): Promise<number> {
    const docs = await this.collection.find({ outboxPending: true }).limit(this.batchSize).toArray();
    const limit = pLimit(this.concurrency);
    const counts = await Promise.all(docs.map((doc) => limit(() => this.relayDocument(doc))));
    return counts.reduce((a, b) => a + b, 0);
  }

  private async relayDocument(doc: mongoose.mongo.Document): Promise<number> {
    const records = (doc.outbox ?? []) as OutboxRecord[];
    for (const r of records) await this.publish({ ...r, payload: bytesOf(r.payload) });
    // Records are appended at the tail, so the published ones are at the head: pop each one
    // only while it is still the head. ($pull by a sub-field does not work on FerretDB v1,
    // which compares whole elements.)
    const removePublished = async () => {
      for (const r of records) {
        await this.collection.updateOne({ _id: doc._id, 'outbox.0.eventId': r.eventId }, { $pop: { outbox: -1 } });
      }
      await this.collection.updateOne({ _id: doc._id, outbox: { $size: 0 } }, { $set: { outboxPending: false } });
    };
    await (this.locks ? this.locks.run(String(doc._id), removePublished) : removePublished());
    return records.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}

