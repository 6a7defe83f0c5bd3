import { Readable, Writable } from 'node:stream';
import mongoose from 'mongoose';
import { bytesOf } from '@kyc/mongo-kit';

/**
 * Chunked storage of (already encrypted) blobs in MongoDB: GridFS's layout, with two changes.
 *
 * Why not GridFS itself: its download stream reads all chunks through one cursor whose first
 * batch is up to 16 MiB, so a 10 MB photo would sit whole in photo-storage's memory while it is
 * sent (twenty downloads, 200 MB). Here a reader fetches one chunk at a time, when the consumer
 * asks for it, and a chunk's _id is `<blob id>:<n>`, so reads and deletes are `_id` lookups that
 * need no secondary index; the chunk count lives in the photo record and a small manifest.
 *
 * On FerretDB v1 (SQLite backend; development and tests) every query scans its collection until
 * it finds a match, `_id` included (measured: reading the 100th of 100 1-MiB documents takes 8x
 * as long as the first), so there reads and deletes slow down as stored bytes grow; on MongoDB
 * they are index lookups.
 *
 * Collections: `photo_blobs` (manifest: `_id` ObjectId, byte and chunk counts once complete) and
 * `photo_blob_chunks` (`_id`, `data`). Nothing personal in either: the bytes are ciphertext.
 */
export const BLOB_MANIFESTS = 'photo_blobs';
export const BLOB_CHUNKS = 'photo_blob_chunks';

interface Manifest {
  _id: mongoose.Types.ObjectId;
  createdAt: Date;
  bytes?: number;
  chunks?: number;
}

interface Chunk {
  _id: string;
  data: Buffer;
}

/** At most `permits` holders at a time; the rest wait in arrival order. */
class Semaphore {
  private readonly waiting: (() => void)[] = [];

  constructor(private permits: number) {}

  async use<T>(fn: () => Promise<T>): Promise<T> {
    if (this.permits > 0) this.permits--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.permits++;
    }
  }
}

export const chunkId = (fileId: mongoose.Types.ObjectId, n: number) => `${fileId.toHexString()}:${n}`;

export class BlobStore {
  private readonly manifests: mongoose.mongo.Collection<Manifest>;
  private readonly chunks: mongoose.mongo.Collection<Chunk>;
  /**
   * Chunk reads in flight across all downloads: bounds database load and memory (one chunk per
   * slot) however many downloads run; downloads interleave chunk by chunk, so none starves.
   */
  private readonly readSlots: Semaphore;

  /**
   * @param chunkBytes size of each stored chunk (1 MiB: measured on FerretDB, 1 MiB chunks insert
   *   25 % and read 2x faster than GridFS's 255 KiB; one chunk per transfer keeps memory bounded).
   * @param maxBytes the largest blob accepted; bounds the chunk ids a clean-up must try.
   */
  constructor(
    conn: mongoose.Connection,
    private readonly maxBytes: number,
    private readonly chunkBytes = 1024 * 1024,
    concurrentReads = 4,
  ) {
    this.readSlots = new Semaphore(concurrentReads);
    this.manifests = conn.db!.collection<Manifest>(BLOB_MANIFESTS);
    this.chunks = conn.db!.collection<Chunk>(BLOB_CHUNKS);
  }

  /**
   * A writable that stores what is written as chunks of `chunkBytes`, one insert at a time
   * (so stream backpressure reaches the producer), and completes the manifest when it finishes.
   * The manifest is written first, so even a blob abandoned midway can be found and removed.
   */
  openWriter(fileId: mongoose.Types.ObjectId): Writable {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let n = 0;
    let total = 0;
    let started = false;
    const flush = async (all: boolean) => {
      if (!started) {
        await this.manifests.insertOne({ _id: fileId, createdAt: new Date() });
        started = true;
      }
      while (pendingBytes >= this.chunkBytes || (all && pendingBytes > 0)) {
        const joined = Buffer.concat(pending, pendingBytes);
        const size = Math.min(this.chunkBytes, joined.length);
        await this.chunks.insertOne({ _id: chunkId(fileId, n++), data: joined.subarray(0, size) });
        pending = size < joined.length ? [joined.subarray(size)] : [];
        pendingBytes = joined.length - size;
      }
    };
    return new Writable({
      highWaterMark: this.chunkBytes,
      write: (chunk: Buffer, _enc, done) => {
        pending.push(chunk);
        pendingBytes += chunk.length;
        total += chunk.length;
        flush(false).then(() => done(), done);
      },
      final: (done) => {
        flush(true)
          .then(() => this.manifests.updateOne({ _id: fileId }, { $set: { bytes: total, chunks: n } }))
          .then(() => done(), done);
      },
    });
  }

  /** The stored bytes of a blob, read one chunk at a time as the consumer asks for them. */
  openReader(fileId: mongoose.Types.ObjectId, chunkCount: number): Readable {
    const { chunks, readSlots } = this;
    async function* read() {
      for (let n = 0; n < chunkCount; n++) {
        const chunk = await readSlots.use(() => chunks.findOne({ _id: chunkId(fileId, n) }));
        if (!chunk) throw new Error(`blob chunk ${n} is missing`);
        yield bytesOf(chunk.data);
      }
    }
    return Readable.from(read(), { objectMode: false });
  }

  /** Number of chunks a complete blob has (from its manifest), or undefined if it never completed. */
  async chunkCount(fileId: mongoose.Types.ObjectId): Promise<number | undefined> {
    return (await this.manifests.findOne({ _id: fileId }))?.chunks;
  }

  /**
   * Deletes a blob: chunks first (each by _id; every possible id when the count is unknown), then
   * the manifest, so a half-deleted blob is still found by the sweeper.
   */
  async delete(fileId: mongoose.Types.ObjectId, knownChunks?: number): Promise<void> {
    const count = knownChunks ?? (await this.chunkCount(fileId)) ?? Math.ceil(this.maxBytes / this.chunkBytes) + 1;
    for (let n = 0; n < count; n++) await this.chunks.deleteOne({ _id: chunkId(fileId, n) });
    await this.manifests.deleteOne({ _id: fileId });
  }

  /** Ids of blobs created before `cutoff` (blob ids are ObjectIds: their creation time is built in). */
  async idsCreatedBefore(cutoff: Date): Promise<mongoose.Types.ObjectId[]> {
    const before = mongoose.Types.ObjectId.createFromTime(Math.floor(cutoff.getTime() / 1000));
    const docs = await this.manifests.find({ _id: { $lt: before } }, { projection: { _id: 1 } }).toArray();
    return docs.map((d) => d._id);
  }
}
