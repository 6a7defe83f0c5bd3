import mongoose from 'mongoose';
import { Counter as PromCounter, Registry } from 'prom-client';
import { Logger } from '@kyc/core';
import { PhotoSubjectErasure } from './photo-erasure';

/**
 * Retention of abandoned uploads: photos and objects of a subject that never submitted (its
 * evidence was never locked for a review round) and that nobody has touched for longer than the
 * retention are erased, bytes and keys, at most `batchSize` subjects per run. Evidence of a
 * submission is the verification's and stays. Counts only in logs and metrics.
 */
export class AbandonedUploadSweeper {
  private timer?: NodeJS.Timeout;
  private readonly erasedTotal?: PromCounter;

  constructor(
    private readonly subjects: mongoose.mongo.Collection<mongoose.mongo.Document>,
    private readonly erasure: Pick<PhotoSubjectErasure, 'eraseIf'>,
    private readonly settings: { retentionSeconds: number; intervalSeconds: number; batchSize: number },
    private readonly logger: Logger,
    metrics?: Registry,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (metrics) {
      this.erasedTotal = new PromCounter({ name: 'photo_abandoned_uploads_erased_total', help: 'Subjects whose never-submitted photos the retention sweeper erased', registers: [metrics] });
    }
  }

  /** One pass over up to one batch of abandoned subjects; returns how many were erased. */
  async sweepOnce(): Promise<number> {
    const cutoff = new Date(this.now().getTime() - this.settings.retentionSeconds * 1000);
    const abandoned = (doc: mongoose.mongo.Document) => (doc.lockRound ?? undefined) === undefined && doc.updatedAt instanceof Date && doc.updatedAt < cutoff;
    const candidates = await this.subjects
      .find({ lockRound: { $exists: false }, updatedAt: { $lt: cutoff } }, { projection: { _id: 1 } })
      .limit(this.settings.batchSize)
      .toArray();
    let erased = 0;
    for (const { _id } of candidates) if ((await this.erasure.eraseIf(String(_id), abandoned)) > 0) erased++;
    if (erased > 0) {
      this.erasedTotal?.inc(erased);
      this.logger.info({ erased, retentionSeconds: this.settings.retentionSeconds }, 'abandoned uploads erased');
    }
    return erased;
  }

  start(): void {
    this.timer = setInterval(
      () => void this.sweepOnce().catch((err: Error) => this.logger.warn({ err: err.message }, 'abandoned upload sweep failed; will retry')),
      this.settings.intervalSeconds * 1000,
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
