import mongoose from 'mongoose';
import { isDuplicateKeyError } from './errors';

/**
 * Monotonic numeric ids (the seed contracts expose Int ids such as photo_id and validate_obj.id).
 *
 * Each allocation inserts one record with a unique _id "<sequence>:<n>": a unique insert is atomic
 * on MongoDB and on FerretDB v1 alike, whereas FerretDB v1 applies `$inc` as read-modify-write
 * and can hand the same number to two concurrent callers. A lost race just retries with n+1.
 */
export class Counter {
  private readonly collection: mongoose.mongo.Collection<{ _id: string; seq: string; n: number }>;
  private indexed?: Promise<unknown>;

  constructor(conn: mongoose.Connection) {
    this.collection = conn.db!.collection('counters');
  }

  async next(sequence: string): Promise<number> {
    this.indexed ??= this.collection.createIndex({ seq: 1, n: -1 });
    await this.indexed;
    for (let attempt = 0; attempt < 50; attempt++) {
      const [last] = await this.collection.find({ seq: sequence }).sort({ n: -1 }).limit(1).toArray();
      const n = (last?.n ?? 0) + 1;
      try {
        await this.collection.insertOne({ _id: `${sequence}:${n}`, seq: sequence, n });
        return n;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
    throw new Error(`could not allocate a number in sequence ${sequence}`);
  }
}
