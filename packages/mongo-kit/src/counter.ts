import mongoose from 'mongoose';

/**
 * Monotonic numeric ids (seed contracts expose Int ids such as photo_id and validate_obj.id).
 * One document per sequence, advanced with a single atomic $inc.
 */
export class Counter {
  private readonly collection: mongoose.mongo.Collection<{ _id: string; seq: number }>;

  constructor(conn: mongoose.Connection) {
    this.collection = conn.db!.collection('counters');
  }

  async next(sequence: string): Promise<number> {
    const doc = await this.collection.findOneAndUpdate(
      { _id: sequence },
      { $inc: { seq: 1 } },
      { upsert: true, returnDocument: 'after' },
    );
    return doc!.seq;
  }
}
