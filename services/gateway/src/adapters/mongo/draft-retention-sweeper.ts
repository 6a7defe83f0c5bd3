import mongoose from 'mongoose';
import { Counter as PromCounter, Registry } from 'prom-client';
import { Logger } from '@kyc/core';

/**
 * Retention of abandoned drafts: seed 001 step-1 information (sealed name, document number, ...)
 * untouched for longer than the retention is erased, at most `batchSize` drafts per tick so one
 * pass never holds the database long. Counts only in logs and metrics.
 */
export class DraftRetentionSweeper {
  private timer?: NodeJS.Timeout;
  private readonly erasedTotal?: PromCounter;

  constructor(
    private readonly drafts: mongoose.mongo.Collection<mongoose.mongo.Document>,
    private readonly settings: { retentionSeconds: number; intervalSeconds: number; batchSize: number },
    private readonly logger: Logger,
    metrics?: Registry,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (metrics) {
      this.erasedTotal = new PromCounter({ name: 'gateway_abandoned_drafts_erased_total', help: 'Seed 001 drafts erased by the retention sweeper', registers: [metrics] });
    }
  }

  /** One pass: erases up to one batch of expired drafts; returns how many. */
  async sweepOnce(): Promise<number> {
    const cutoff = new Date(this.now().getTime() - this.settings.retentionSeconds * 1000);
    const expired = await this.drafts.find({ updatedAt: { $lt: cutoff } }, { projection: { _id: 1 } }).limit(this.settings.batchSize).toArray();
    if (expired.length === 0) return 0;
    // Conditioned on the age again: a draft saved since it was listed stays.
    const res = await this.drafts.deleteMany({ _id: { $in: expired.map((d) => d._id) }, updatedAt: { $lt: cutoff } });
    this.erasedTotal?.inc(res.deletedCount);
    this.logger.info({ erased: res.deletedCount, retentionSeconds: this.settings.retentionSeconds }, 'abandoned drafts erased');
    return res.deletedCount;
  }

  start(): void {
    this.timer = setInterval(
      () => void this.sweepOnce().catch((err: Error) => this.logger.warn({ err: err.message }, 'draft retention sweep failed; will retry')),
      this.settings.intervalSeconds * 1000,
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
