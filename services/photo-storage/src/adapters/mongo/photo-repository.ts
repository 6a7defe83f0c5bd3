import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mongoose from 'mongoose';
import { photo } from '@kyc/contracts';
import { isKycError, KycError, Logger, notFound } from '@kyc/core';
import { bytesOf, Counter, DocumentLocks, isDuplicateKeyError, outboxRecord, outboxSchemaFields, pushOutbox } from '@kyc/mongo-kit';
import { PiiCipher } from '@kyc/pii-crypto';
import { isStaleLockChange, objectBound, objectsToEvict, PHOTO_LOCKED, PHOTO_NOT_FOUND, PHOTO_TYPES, photoLocked } from '../../domain/photo-rules';
import { BlobStore } from './blob-store';

/**
 * Storage layout (FerretDB v1 and standalone MongoDB have no multi-document transactions, so every
 * state change is one single-document update):
 *
 * - `subject_photos`: one document per subject holding the lock flag, the current photo of each
 *   type (`photos.t0`, `photos.t1`, `photos.t2`: number, blob id and chunk count, sniffed type, size,
 *   dimensions and the encryption parameters), the subject's unbound objects (`objects`: uploads by
 *   key through the OSS-compatible endpoint, waiting to be named by a submission step) and the
 *   outbox. Because the lock and the photos live in the same
 *   document, "store unless locked" is one conditional update: a lock (EvidenceLockChanged from
 *   realname-pattern) applied first makes every later commit fail, whatever the interleaving.
 * - Blobs (BlobStore: `photo_blobs` manifests, `photo_blob_chunks` 1 MiB chunks keyed by _id; see
 *   there why not GridFS): the AES-256-GCM ciphertext only. Each blob has its own data key,
 *   wrapped by the master key; the wrapped key, IV and tag sit in the photo record. The
 *   additional authenticated data binds a blob to its subject, type and blob id, so a blob copied
 *   under another subject does not decrypt. Blob metadata carries nothing personal.
 *
 * Binding an object to a photo type moves its record from `objects` into `photos.t<type>` in one
 * update; the blob stays where it is (its additional authenticated data, fixed at upload, is kept
 * in the record as `aad`), so binding never copies or re-encrypts bytes.
 *
 * Replacing a photo writes the new blob first, commits the record (the old one stays readable
 * until that instant, so there is never a moment without a photo), then deletes the old blob
 * in the background (discardBlob).
 * Blobs that lose their record (an upload that failed midway, a crash before clean-up) are
 * removed by `sweepOrphans` once older than a grace period; blob ids are ObjectIds, so their age
 * is known without extra fields.
 *
 * Every write to a subject's document (commit, delete, lock, and the outbox relay's clean-up)
 * runs under a per-subject DocumentLocks section: FerretDB v1 does not isolate single-document
 * updates (measured: 20 concurrent conditional updates of one document all "won"). photo_id
 * numbers come from the shared Counter (unique inserts, so distinct on FerretDB too).
 */
interface BlobRecord {
  fileId: mongoose.Types.ObjectId;
  /** Number of stored chunks of the blob. */
  chunks: number;
  contentType: string;
  sizeBytes: number;
  width: number;
  height: number;
  keyId: string;
  wrapIv: Buffer;
  wrapTag: Buffer;
  wrappedKey: Buffer;
  iv: Buffer;
  tag: Buffer;
  storedAt: Date;
  /** Additional authenticated data of the blob when it is not the photo default (objects'). */
  aad?: string;
  /** Hex MD5 of the plaintext (objects: their ETag). */
  md5Hex?: string;
}

interface PhotoRecord extends BlobRecord {
  photoNumber: number;
  /** The object key the photo was bound from, if it was. */
  objectKey?: string;
}

interface ObjectRecord extends BlobRecord {
  key: string;
}

interface SubjectPhotosDoc {
  _id: string;
  partnerId: string;
  locked: boolean;
  /** Submission round of the last applied lock change (absent before the first). */
  lockRound?: number;
  photos: Record<string, PhotoRecord | undefined>;
  objects?: ObjectRecord[];
  /** Incremented by every change of `objects`: the condition of the next change. */
  objectsVersion?: number;
  outbox: unknown[];
  outboxPending: boolean;
}

const subjectPhotosSchema = new mongoose.Schema(
  {
    _id: { type: String },
    partnerId: { type: String, default: '' },
    locked: { type: Boolean, default: false },
    lockRound: { type: Number },
    photos: { type: mongoose.Schema.Types.Mixed, default: {} },
    objects: { type: mongoose.Schema.Types.Mixed, default: [] },
    objectsVersion: { type: Number, default: 0 },
    ...outboxSchemaFields,
  },
  { collection: 'subject_photos', timestamps: true, versionKey: false, minimize: false },
);
// The orphan sweeper asks "is this blob referenced?"
for (const type of PHOTO_TYPES) subjectPhotosSchema.index({ [`photos.t${type}.fileId`]: 1 });
subjectPhotosSchema.index({ 'objects.fileId': 1 });
// The stale-object sweeper asks "who has objects stored before ...?"
subjectPhotosSchema.index({ 'objects.storedAt': 1 });

const slot = (photoType: number) => `t${photoType}`;
const aadOf = (subjectId: string, photoType: number, fileId: mongoose.Types.ObjectId) => `photo:${subjectId}:${photoType}:${fileId.toHexString()}`;
const objectAadOf = (subjectId: string, fileId: mongoose.Types.ObjectId) => `object:${subjectId}:${fileId.toHexString()}`;

export interface StoredBlob {
  fileId: mongoose.Types.ObjectId;
  chunks: number;
  encryption: Pick<PhotoRecord, 'keyId' | 'wrapIv' | 'wrapTag' | 'wrappedKey' | 'iv' | 'tag'>;
  /** Set when the blob is not encrypted under the photo-type default (objects). */
  aad?: string;
}

export interface CommitInput {
  subjectId: string;
  partnerId: string;
  photoType: number;
  blob: StoredBlob;
  facts: PhotoFacts;
  correlationId: string;
}

export interface PhotoFacts {
  contentType: string;
  sizeBytes: number;
  width: number;
  height: number;
}

const toSummary = (photoType: number, r: PhotoRecord): photo.PhotoSummary => ({
  photoType,
  photoNumber: r.photoNumber,
  contentType: r.contentType,
  sizeBytes: r.sizeBytes,
  width: r.width,
  height: r.height,
  objectKey: r.objectKey ?? '',
});

const toObjectSummary = (key: string, r: BlobRecord, boundPhotoType = -1): photo.ObjectSummary => ({
  objectKey: key,
  contentType: r.contentType,
  sizeBytes: r.sizeBytes,
  width: r.width,
  height: r.height,
  md5Hex: r.md5Hex ?? '',
  storedAt: r.storedAt,
  boundPhotoType,
});

export interface CommitObjectInput {
  subjectId: string;
  partnerId: string;
  key: string;
  blob: StoredBlob;
  facts: PhotoFacts;
  md5Hex: string;
}

export interface BindObjectInput {
  subjectId: string;
  partnerId: string;
  key: string;
  photoType: number;
  correlationId: string;
}

/** Mutex key of the background blob-deletion queue (no subject id starts with NUL). */
const JANITOR = '\u0000blob-janitor';

/** Optimistic retries of a conditional update that lost to a concurrent change of the same photo. */
const MAX_ATTEMPTS = 100;

export class PhotoRepository {
  readonly model: mongoose.Model<SubjectPhotosDoc>;
  private readonly collection: mongoose.mongo.Collection<SubjectPhotosDoc>;
  private readonly blobs: BlobStore;
  private readonly counter: Counter;
  private readonly subjectLocks = new DocumentLocks();

  constructor(
    conn: mongoose.Connection,
    private readonly cipher: PiiCipher,
    private readonly photoTopic: string,
    private readonly logger: Logger,
    maxBytes: number,
    /** Unbound objects a subject keeps; the oldest make room for new ones. */
    private readonly maxObjects = 10,
  ) {
    this.model = conn.model<SubjectPhotosDoc>('SubjectPhotos', subjectPhotosSchema);
    this.collection = this.model.collection as unknown as mongoose.mongo.Collection<SubjectPhotosDoc>;
    this.blobs = new BlobStore(conn, maxBytes);
    this.counter = new Counter(conn);
  }

  /**
   * The subject collection and its per-subject lock table, for the outbox relay: its clean-up
   * updates then go through the same lock as every other write, so they cannot undo a commit.
   */
  outboxSource(): { collection: mongoose.mongo.Collection<mongoose.mongo.Document>; locks: DocumentLocks } {
    return { collection: this.collection as unknown as mongoose.mongo.Collection<mongoose.mongo.Document>, locks: this.subjectLocks };
  }

  async list(subjectId: string): Promise<photo.PhotoSummary[]> {
    const doc = await this.collection.findOne({ _id: subjectId });
    return Object.entries(doc?.photos ?? {})
      .filter((e): e is [string, PhotoRecord] => !!e[1])
      .map(([key, r]) => toSummary(Number(key.slice(1)), r))
      .sort((a, b) => a.photoType - b.photoType);
  }

  async isLocked(subjectId: string): Promise<boolean> {
    const doc = await this.collection.findOne({ _id: subjectId }, { projection: { locked: 1 } });
    return doc?.locked === true;
  }

  /**
   * Encrypts a byte stream into a new blob. The bytes pass through (source -> AES-GCM -> chunks
   * of 1 MiB) with stream backpressure; nothing holds the whole image. On any failure
   * (including the source throwing because the inspection refused the image) the partial blob is
   * queued for deletion before the error propagates.
   */
  writeBlob(subjectId: string, photoType: number, source: AsyncIterable<Buffer>): Promise<StoredBlob> {
    return this.writeEncrypted((fileId) => aadOf(subjectId, photoType, fileId), false, source);
  }

  /** As writeBlob, for an object: its blob is bound to the subject only, so it can later become any photo type. */
  writeObjectBlob(subjectId: string, source: AsyncIterable<Buffer>): Promise<StoredBlob> {
    return this.writeEncrypted((fileId) => objectAadOf(subjectId, fileId), true, source);
  }

  private async writeEncrypted(aadFor: (fileId: mongoose.Types.ObjectId) => string, keepAad: boolean, source: AsyncIterable<Buffer>): Promise<StoredBlob> {
    const fileId = new mongoose.Types.ObjectId();
    const aad = aadFor(fileId);
    const enc = this.cipher.createEncryptStream(aad);
    try {
      await pipeline(Readable.from(source, { objectMode: false }), enc.stream, this.blobs.openWriter(fileId));
    } catch (err) {
      this.discardBlob(fileId);
      throw err;
    }
    const chunks = (await this.blobs.chunkCount(fileId)) ?? 0;
    const w = enc.wrappedKey;
    return {
      fileId,
      chunks,
      encryption: { keyId: w.keyId, wrapIv: w.iv, wrapTag: w.tag, wrappedKey: w.wrapped, iv: enc.iv, tag: enc.tag() },
      ...(keepAad ? { aad } : {}),
    };
  }

  /**
   * Queues a blob for deletion and returns at once. Deletions run one at a time in the
   * background: the record no longer points at the blob, so nobody waits for its bytes to go.
   * (On FerretDB v1 a delete scans the whole chunk collection, seconds per blob once a few
   * hundred MB are stored; on MongoDB it is an index lookup. Either way it is off the request
   * path.) What fails or is lost in a crash is removed later by sweepOrphans.
   */
  discardBlob(fileId: mongoose.Types.ObjectId, chunks?: number): void {
    void this.subjectLocks.run(JANITOR, async () => {
      try {
        await this.blobs.delete(fileId, chunks);
      } catch (err) {
        this.logger.warn({ fileId: fileId.toHexString(), err: (err as Error).message }, 'blob clean-up failed; the sweeper will retry');
      }
    });
  }

  /** Resolves once every queued blob deletion has run (for shutdown). */
  async flushDiscards(): Promise<void> {
    await this.subjectLocks.run(JANITOR, async () => undefined);
  }

  private async ensureSubject(subjectId: string, partnerId: string): Promise<void> {
    try {
      await this.collection.updateOne(
        { _id: subjectId },
        { $setOnInsert: { partnerId, locked: false, photos: {}, objects: [], objectsVersion: 0, outbox: [], outboxPending: false, createdAt: new Date() } as never },
        { upsert: true },
      );
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err; // a concurrent first write created it
    }
  }

  /**
   * Makes a written blob the subject's current photo of its type, unless the subject is locked.
   * One conditional single-document update sets the record and queues PhotoStored in the outbox;
   * the condition names the photo it replaces, so two concurrent uploads of the same type each
   * commit once, in some order, and each knows exactly what it replaced. The replaced blob is
   * deleted afterwards. A refused commit deletes the new blob.
   */
  async commit(input: CommitInput): Promise<photo.PhotoSummary> {
    try {
      const photoNumber = await this.counter.next('photo_number');
      const { fileId, chunks, encryption } = input.blob;
      const record: PhotoRecord = { photoNumber, fileId, chunks, ...input.facts, ...encryption, storedAt: new Date() };
      const previous = await this.subjectLocks.run(input.subjectId, () => this.setPhoto(input, record));
      if (previous) this.discardBlob(previous.fileId, previous.chunks);
      return toSummary(input.photoType, record);
    } catch (err) {
      this.discardBlob(input.blob.fileId, input.blob.chunks);
      throw err;
    }
  }

  /** The conditional update behind commit; returns the record it replaced, if any. */
  private async setPhoto(input: CommitInput, record: PhotoRecord): Promise<PhotoRecord | undefined> {
    const { subjectId, photoType } = input;
    const key = `photos.${slot(photoType)}`;
    await this.ensureSubject(subjectId, input.partnerId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.collection.findOne({ _id: subjectId });
      if (!current || current.locked) throw photoLocked();
      const previous = current.photos?.[slot(photoType)];
      const outbox = pushOutbox(this.photoStored(input, record, previous));
      const res = await this.collection.updateOne(
        { _id: subjectId, locked: { $ne: true }, [`${key}.fileId`]: previous ? previous.fileId : { $exists: false } } as never,
        { $set: { ...outbox.$set, [key]: record, partnerId: input.partnerId, updatedAt: new Date() }, $push: outbox.$push } as never,
      );
      if (res.modifiedCount === 1) return previous;
    }
    throw new KycError('KYC.PHOTO.CONTENDED', 'too many concurrent changes of the same photo', { kind: 'unavailable', retriable: true });
  }

  /** PhotoStored for the outbox: a record became the subject's photo of a type, replacing `previous`. */
  private photoStored(input: { subjectId: string; partnerId: string; photoType: number; correlationId: string }, record: PhotoRecord, previous?: PhotoRecord) {
    return outboxRecord({
      topic: this.photoTopic,
      type: 'kyc.photo.v1.PhotoStored',
      key: input.subjectId,
      payload: Buffer.from(
        photo.PhotoStored.encode({
          subjectId: input.subjectId,
          partnerId: input.partnerId,
          photoType: input.photoType,
          photoNumber: record.photoNumber,
          contentType: record.contentType,
          sizeBytes: record.sizeBytes,
          replacedPhotoNumber: previous?.photoNumber ?? 0,
          storedAt: record.storedAt,
        }).finish(),
      ),
      correlationId: input.correlationId,
      causationId: '',
    });
  }

  /**
   * Makes a written blob the subject's object of a key, unless the subject is locked: replaces an
   * earlier object of that key, and evicts the oldest unbound objects beyond the limit. One
   * conditional update of the subject document; replaced and evicted blobs are deleted afterwards,
   * and a refused commit deletes the new blob.
   */
  async commitObject(input: CommitObjectInput): Promise<photo.ObjectSummary> {
    const { fileId, chunks, encryption, aad } = input.blob;
    const record: ObjectRecord = { key: input.key, fileId, chunks, ...input.facts, ...encryption, aad, md5Hex: input.md5Hex, storedAt: new Date() };
    try {
      const dropped = await this.subjectLocks.run(input.subjectId, () =>
        this.changeObjects(input.subjectId, input.partnerId, (objects) => {
          const evict = new Set([input.key, ...objectsToEvict(objects, input.key, this.maxObjects)]);
          return { objects: [...objects.filter((o) => !evict.has(o.key)), record], dropped: objects.filter((o) => evict.has(o.key)) };
        }),
      );
      for (const o of dropped) this.discardBlob(o.fileId, o.chunks);
      return toObjectSummary(input.key, record);
    } catch (err) {
      this.discardBlob(fileId, chunks);
      throw err;
    }
  }

  /**
   * Applies `change` to the subject's unbound objects in one update conditioned on their version
   * (and on the subject not being locked); returns the records the change dropped.
   */
  private async changeObjects(
    subjectId: string,
    partnerId: string,
    change: (objects: ObjectRecord[]) => { objects: ObjectRecord[]; dropped: ObjectRecord[] },
  ): Promise<ObjectRecord[]> {
    await this.ensureSubject(subjectId, partnerId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.collection.findOne({ _id: subjectId }, { projection: { locked: 1, objects: 1, objectsVersion: 1 } });
      if (!current || current.locked) throw photoLocked();
      const version = current.objectsVersion ?? 0;
      const { objects, dropped } = change(current.objects ?? []);
      const res = await this.collection.updateOne(
        { _id: subjectId, locked: { $ne: true }, objectsVersion: version === 0 ? { $in: [0, null] } : version } as never,
        { $set: { objects, objectsVersion: version + 1, updatedAt: new Date() } } as never,
      );
      if (res.modifiedCount === 1) return dropped;
    }
    throw new KycError('KYC.PHOTO.CONTENDED', 'too many concurrent changes of the same objects', { kind: 'unavailable', retriable: true });
  }

  /**
   * Makes the subject's object of a key its photo of a type: the record moves from `objects` to
   * `photos.t<type>` with a new photo number and PhotoStored in the outbox, in one conditional
   * update. Binding the key the photo of that type came from, with no newer upload of that key, is
   * a no-op (`changed` false); a key bound to another type is refused.
   */
  async bindObject(input: BindObjectInput): Promise<{ photo: photo.PhotoSummary; changed: boolean }> {
    const result = await this.subjectLocks.run(input.subjectId, () => this.moveObject(input));
    if (result.replaced) this.discardBlob(result.replaced.fileId, result.replaced.chunks);
    return { photo: result.photo, changed: result.changed };
  }

  private async moveObject(input: BindObjectInput): Promise<{ photo: photo.PhotoSummary; changed: boolean; replaced?: PhotoRecord }> {
    const { subjectId, photoType, key } = input;
    const field = `photos.${slot(photoType)}`;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.collection.findOne({ _id: subjectId });
      const objects = current?.objects ?? [];
      const object = objects.find((o) => o.key === key);
      const previous = current?.photos?.[slot(photoType)];
      if (!object && previous?.objectKey === key) return { photo: toSummary(photoType, previous), changed: false };
      if (current?.locked) throw photoLocked();
      if (!object) {
        const boundElsewhere = PHOTO_TYPES.some((t) => t !== photoType && current?.photos?.[slot(t)]?.objectKey === key);
        throw boundElsewhere ? objectBound() : notFound(PHOTO_NOT_FOUND, 'no object of that key');
      }
      const { key: objectKey, ...blob } = object;
      const record: PhotoRecord = { ...blob, photoNumber: await this.counter.next('photo_number'), objectKey, storedAt: new Date() };
      const version = current!.objectsVersion ?? 0;
      const outbox = pushOutbox(this.photoStored(input, record, previous));
      const res = await this.collection.updateOne(
        {
          _id: subjectId,
          locked: { $ne: true },
          objectsVersion: version === 0 ? { $in: [0, null] } : version,
          [`${field}.fileId`]: previous ? previous.fileId : { $exists: false },
        } as never,
        {
          $set: {
            ...outbox.$set,
            [field]: record,
            objects: objects.filter((o) => o.key !== key),
            objectsVersion: version + 1,
            partnerId: input.partnerId,
            updatedAt: new Date(),
          },
          $push: outbox.$push,
        } as never,
      );
      if (res.modifiedCount === 1) return { photo: toSummary(photoType, record), changed: true, replaced: previous };
    }
    throw new KycError('KYC.PHOTO.CONTENDED', 'too many concurrent changes of the same photo', { kind: 'unavailable', retriable: true });
  }

  /**
   * Opens the subject's object of a key as plaintext: the unbound object of that key, or else the
   * photo most recently bound from it. Undefined when there is neither.
   */
  async openObject(subjectId: string, key: string): Promise<{ summary: photo.ObjectSummary; stream: Readable } | undefined> {
    const doc = await this.collection.findOne({ _id: subjectId }, { projection: { objects: 1, photos: 1 } });
    const object = doc?.objects?.find((o) => o.key === key);
    if (object) return { summary: toObjectSummary(key, object), stream: this.decrypt(object, object.aad ?? '') };
    const bound = PHOTO_TYPES.map((t) => ({ t, r: doc?.photos?.[slot(t)] }))
      .filter((p): p is { t: number; r: PhotoRecord } => p.r?.objectKey === key)
      .sort((a, b) => b.r.storedAt.getTime() - a.r.storedAt.getTime())[0];
    if (!bound) return undefined;
    return { summary: toObjectSummary(key, bound.r, bound.t), stream: this.decrypt(bound.r, bound.r.aad ?? aadOf(subjectId, bound.t, bound.r.fileId)) };
  }

  /** Removes unbound objects stored before the cutoff (never named by a submission step); returns how many. */
  async sweepStaleObjects(olderThanSeconds: number): Promise<number> {
    const cutoff = new Date(Date.now() - olderThanSeconds * 1000);
    let removed = 0;
    const docs = await this.collection.find({ 'objects.storedAt': { $lt: cutoff } } as never, { projection: { _id: 1, partnerId: 1 } }).limit(500).toArray();
    for (const doc of docs) {
      try {
        const dropped = await this.subjectLocks.run(doc._id, () =>
          this.changeObjects(doc._id, doc.partnerId, (objects) => ({
            objects: objects.filter((o) => o.storedAt >= cutoff),
            dropped: objects.filter((o) => o.storedAt < cutoff),
          })),
        );
        for (const o of dropped) this.discardBlob(o.fileId, o.chunks);
        removed += dropped.length;
      } catch (err) {
        // A locked subject keeps its objects until it is unlocked; they are not evidence.
        if (!(isKycError(err) && err.code === PHOTO_LOCKED)) throw err;
      }
    }
    return removed;
  }

  /** Deletes the subject's photo of a type unless locked; false when there was none (deleting is idempotent). */
  async delete(subjectId: string, photoType: number, correlationId: string): Promise<boolean> {
    const removed = await this.subjectLocks.run(subjectId, () => this.unsetPhoto(subjectId, photoType, correlationId));
    if (!removed) return false;
    this.discardBlob(removed.fileId, removed.chunks);
    return true;
  }

  /** Removes the photo record and queues PhotoDeleted; returns the blob to delete, if there was a photo. */
  private async unsetPhoto(subjectId: string, photoType: number, correlationId: string): Promise<PhotoRecord | undefined> {
    const key = `photos.${slot(photoType)}`;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.collection.findOne({ _id: subjectId });
      if (current?.locked) throw photoLocked();
      const previous = current?.photos?.[slot(photoType)];
      if (!current || !previous) return undefined;
      const outbox = pushOutbox(
        outboxRecord({
          topic: this.photoTopic,
          type: 'kyc.photo.v1.PhotoDeleted',
          key: subjectId,
          payload: Buffer.from(
            photo.PhotoDeleted.encode({
              subjectId,
              partnerId: current.partnerId,
              photoType,
              photoNumber: previous.photoNumber,
              deletedAt: new Date(),
            }).finish(),
          ),
          correlationId,
          causationId: '',
        }),
      );
      const res = await this.collection.updateOne(
        { _id: subjectId, locked: { $ne: true }, [`${key}.fileId`]: previous.fileId } as never,
        { $set: { ...outbox.$set, updatedAt: new Date() }, $unset: { [key]: '' }, $push: outbox.$push } as never,
      );
      if (res.modifiedCount === 1) return previous;
    }
    throw new KycError('KYC.PHOTO.CONTENDED', 'too many concurrent changes of the same photo', { kind: 'unavailable', retriable: true });
  }

  /**
   * Opens the current photo of a type as a stream of plaintext, or undefined when there is none.
   * AES-GCM authenticates at the end: a tampered blob makes the stream error after its last
   * chunk, so callers must treat a stream error as "the bytes sent so far are void".
   */
  async open(subjectId: string, photoType: number): Promise<{ summary: photo.PhotoSummary; stream: Readable } | undefined> {
    const doc = await this.collection.findOne({ _id: subjectId }, { projection: { [`photos.${slot(photoType)}`]: 1 } });
    const r = doc?.photos?.[slot(photoType)];
    if (!r) return undefined;
    return { summary: toSummary(photoType, r), stream: this.decrypt(r, r.aad ?? aadOf(subjectId, photoType, r.fileId)) };
  }

  /** The plaintext of a stored blob, decrypted chunk by chunk as the consumer reads. */
  private decrypt(r: BlobRecord, aad: string): Readable {
    const decrypt: Transform = this.cipher.createDecryptStream(
      aad,
      { keyId: r.keyId, iv: bytesOf(r.wrapIv), tag: bytesOf(r.wrapTag), wrapped: bytesOf(r.wrappedKey) },
      bytesOf(r.iv),
      bytesOf(r.tag),
    );
    const download = this.blobs.openReader(r.fileId, r.chunks);
    // Propagate errors both ways and tear everything down if the consumer goes away.
    pipeline(download, decrypt).catch(() => undefined);
    return decrypt;
  }

  /**
   * Sets the subject's lock as realname-pattern decided it, creating the subject's document if it
   * has none yet (a subject may submit before ever uploading). A change of an older round than the
   * one applied is ignored; returns whether it applied.
   */
  async setLocked(subjectId: string, partnerId: string, change: { locked: boolean; round: number }): Promise<boolean> {
    return this.subjectLocks.run(subjectId, async () => {
      await this.ensureSubject(subjectId, partnerId);
      const current = await this.collection.findOne({ _id: subjectId }, { projection: { lockRound: 1 } });
      if (isStaleLockChange(current?.lockRound ?? undefined, change.round)) return false;
      await this.collection.updateOne({ _id: subjectId }, { $set: { locked: change.locked, lockRound: change.round, updatedAt: new Date() } });
      return true;
    });
  }

  /** Deletes blobs older than the grace period that no photo record references; returns how many. */
  async sweepOrphans(graceSeconds: number): Promise<number> {
    let removed = 0;
    for (const id of await this.blobs.idsCreatedBefore(new Date(Date.now() - graceSeconds * 1000))) {
      const filter = { $or: [...PHOTO_TYPES.map((t) => ({ [`photos.${slot(t)}.fileId`]: id })), { 'objects.fileId': id }] };
      if ((await this.collection.countDocuments(filter as never, { limit: 1 })) === 0) {
        await this.blobs.delete(id);
        removed++;
      }
    }
    return removed;
  }
}
