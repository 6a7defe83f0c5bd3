import mongoose from 'mongoose';

/**
 * Remembers which event ids a consumer group has handled, so a redelivered event has no second
 * effect. One document per (group, event id); the unique _id makes "mark" idempotent.
 * Old records are removed by an explicit sweep (no TTL indexes on FerretDB v1).
 */
export class MongoProcessedEvents {
  private readonly collection: mongoose.mongo.Collection<{ _id: string; at: Date }>;
  private sweeper?: NodeJS.Timeout;

  /**
   * `retentionDays` must outlast the topics' retention (Kafka's default is 7 days): an event can
   * only be redelivered while the broker still holds it.
   */
  constructor(
    conn: mongoose.Connection,
    private readonly retentionDays = 14,
  ) {
    this.collection = conn.db!.collection('processed_events');
    this.sweeper = setInterval(() => {
      void this.sweep(new Date(Date.now() - this.retentionDays * 86_400_000)).catch(() => undefined);
    }, 3_600_000);
    this.sweeper.unref();
  }

  async has(group: string, eventId: string): Promise<boolean> {
    return (await this.collection.countDocuments({ _id: `${group}:${eventId}` }, { limit: 1 })) > 0;
  }

  async mark(group: string, eventId: string): Promise<void> {
    await this.collection.updateOne({ _id: `${group}:${eventId}` }, { $setOnInsert: { at: new Date() } }, { upsert: true });
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  async sweep(olderThan: Date): Promise<number> {
    const res = await this.collection.deleteMany({ at: { $lt: olderThan } });
    return res.deletedCount;
  }
}
