import mongoose from 'mongoose';
import { isDuplicateKeyError } from './errors';

/** The part of a MongoDB collection the counter uses (a real one, or a fake in unit tests). */
export interface CounterCollection {
  findOne(filter: { _id: string }): Promise<{ block?: number } | null>;
  find(filter: { seq: string; n: { $exists: true } }): { sort(s: { n: -1 }): { limit(n: 1): { toArray(): Promise<{ n?: number }[]> } } };
  insertOne(doc: { _id: string; seq: string; block: number }): Promise<unknown>;
  updateOne(filter: { _id: string }, update: { $max: { block: number }; $set: { seq: string } }, opts: { upsert: true }): Promise<unknown>;
  createIndex(spec: { seq: 1; n: -1 }): Promise<unknown>;
}

/**
 * Unique numeric ids (the seed contracts expose Int ids such as photo_id, uid and validate_obj.id),
 * increasing within a process, never handed out twice across processes.
 *
 * A process reserves a block of numbers with one unique insert of "<sequence>:block:<k>" and then
 * hands them out from memory: a unique insert is atomic on MongoDB and on FerretDB v1 alike (which
 * applies `$inc` as read-modify-write and could hand a number out twice), and one write per block
 * keeps the hot path off the database. Where to start looking is a hint document, "<sequence>:hint",
 * read by _id (the one lookup FerretDB v1 serves from an index); a stale hint only costs a few
 * refused inserts. Numbers a process reserved but did not use before it stopped are skipped.
 * Sequences written by the earlier one-record-per-number scheme ("<sequence>:<n>") continue after
 * their highest number.
 */
export class Counter {
  private readonly collection: CounterCollection;
  private readonly blocks = new Map<string, { next: number; end: number }>();
  private readonly reserving = new Map<string, Promise<void>>();
  private indexed?: Promise<unknown>;

  constructor(
    conn: mongoose.Connection | CounterCollection,
    private readonly blockSize = 20,
  ) {
    this.collection = 'insertOne' in conn ? conn : (conn.db!.collection('counters') as unknown as CounterCollection);
  }

  async next(sequence: string): Promise<number> {
    for (;;) {
      const block = this.blocks.get(sequence);
      if (block && block.next <= block.end) return block.next++;
      // One reservation per sequence at a time: concurrent callers wait for it, then take from it.
      let reserving = this.reserving.get(sequence);
      if (!reserving) {
        reserving = this.reserve(sequence).finally(() => this.reserving.delete(sequence));
        this.reserving.set(sequence, reserving);
      }
      await reserving;
    }
  }

  private async reserve(sequence: string): Promise<void> {
    const hintId = `${sequence}:hint`;
    const hint = await this.collection.findOne({ _id: hintId });
    let k = (hint?.block ?? (await this.legacyBlocks(sequence))) + 1;
    for (let attempt = 0; attempt < 10_000; attempt++, k++) {
      try {
        await this.collection.insertOne({ _id: `${sequence}:block:${k}`, seq: sequence, block: k });
      } catch (err) {
        if (isDuplicateKeyError(err)) continue;
        throw err;
      }
      await this.collection.updateOne({ _id: hintId }, { $max: { block: k }, $set: { seq: sequence } }, { upsert: true });
      this.blocks.set(sequence, { next: (k - 1) * this.blockSize + 1, end: k * this.blockSize });
      return;
    }
    throw new Error(`could not reserve numbers in sequence ${sequence}`);
  }

  /** Blocks the numbers of the earlier scheme fill, so that new ones come after them (0 when none). */
  private async legacyBlocks(sequence: string): Promise<number> {
    this.indexed ??= this.collection.createIndex({ seq: 1, n: -1 });
    await this.indexed;
    const [last] = await this.collection.find({ seq: sequence, n: { $exists: true } }).sort({ n: -1 }).limit(1).toArray();
    return Math.ceil((last?.n ?? 0) / this.blockSize);
  }
}
