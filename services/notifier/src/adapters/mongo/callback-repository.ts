import mongoose from 'mongoose';
import { bytesOf, DocumentLocks, isDuplicateKeyError } from '@kyc/mongo-kit';
import { PiiCipher } from '@kyc/pii-crypto';
import { CallbackDetails, CallbackRecord, CallbackStore, ClaimedCallback, DueCandidate, OwedCallback } from '../../application/ports';
import { CallbackFormat, CallbackState, ParkReason } from '../../domain/callback';

/**
 * `callbacks`: one document per verification (its id is the callback's stable id, so a
 * redelivered VerificationCompleted cannot create a second one). The delivery state lives here:
 * a lease (`leaseUntil`) while an attempt is in flight, `nextAttemptAt` while waiting, and the
 * outcome. What the callback needs from the verification (partner reference, per-request
 * callback URL, the ID number for member-notify) is stored sealed (`sealedDetails`).
 *
 * Writes after a claim go through DocumentLocks (FerretDB v1 updates are read-modify-write).
 */
const callbackSchema = new mongoose.Schema(
  {
    _id: { type: String },
    partnerId: { type: String, required: true },
    verificationId: { type: String, required: true },
    subjectId: { type: String, default: '' },
    method: { type: String, default: '' },
    succeeded: { type: Boolean, required: true },
    resultCode: { type: String, default: '' },
    completedAt: { type: Date, required: true },
    eventOccurredAt: { type: Date, required: true },
    correlationId: { type: String, default: '' },
    state: { type: String, required: true },
    attempts: { type: Number, default: 0 },
    ladderStart: { type: Number, default: 0 },
    resendRequested: { type: Boolean },
    nextAttemptAt: { type: Date, required: true },
    leaseUntil: { type: Date },
    createdAt: { type: Date, required: true },
    deliveredAt: { type: Date },
    parkReason: { type: String },
    lastOutcome: { type: String },
    endpoint: { type: String },
    format: { type: String },
    sealedDetails: { type: Buffer },
  },
  { collection: 'callbacks', versionKey: false },
);
callbackSchema.index({ state: 1, nextAttemptAt: 1 });
callbackSchema.index({ partnerId: 1, createdAt: -1 });

type CallbackDoc = mongoose.InferSchemaType<typeof callbackSchema> & { _id: string };

const detailsContext = (callbackId: string) => `callback:${callbackId}:details`;

function toRecord(d: CallbackDoc): CallbackRecord {
  return {
    callbackId: d._id,
    verificationId: d.verificationId,
    subjectId: d.subjectId,
    partnerId: d.partnerId,
    method: d.method,
    succeeded: d.succeeded,
    resultCode: d.resultCode,
    completedAt: d.completedAt,
    eventOccurredAt: d.eventOccurredAt,
    correlationId: d.correlationId,
    state: d.state as CallbackState,
    attempts: d.attempts,
    ladderStart: d.ladderStart ?? 0,
    resendRequested: d.resendRequested === true,
    nextAttemptAt: d.nextAttemptAt,
    leaseUntil: d.leaseUntil ?? undefined,
    createdAt: d.createdAt,
    deliveredAt: d.deliveredAt ?? undefined,
    parkReason: (d.parkReason ?? undefined) as ParkReason | undefined,
    lastOutcome: d.lastOutcome ?? undefined,
    endpoint: d.endpoint ?? undefined,
    format: (d.format ?? undefined) as CallbackFormat | undefined,
    hasDetails: d.sealedDetails !== undefined && d.sealedDetails !== null,
  };
}

/** Everything but the sealed details (never needed to list or schedule). */
const WITHOUT_DETAILS = { sealedDetails: 0 } as const;

export class CallbackRepository implements CallbackStore {
  readonly model: mongoose.Model<CallbackDoc>;

  constructor(
    conn: mongoose.Connection,
    private readonly cipher: PiiCipher,
    private readonly locks: DocumentLocks = new DocumentLocks(),
  ) {
    this.model = conn.model<CallbackDoc>('Callback', callbackSchema);
  }

  private get col() {
    return this.model.collection;
  }

  async create(c: OwedCallback, now: Date): Promise<boolean> {
    const { callbackId, ...rest } = c;
    try {
      await this.col.insertOne({ _id: callbackId, ...rest, state: 'PENDING', attempts: 0, ladderStart: 0, nextAttemptAt: now, createdAt: now } as never);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async dueCandidates(now: Date, excludePartners: string[], limit: number): Promise<DueCandidate[]> {
    // Unsorted on purpose: every candidate is due, and without a sort the server may stop at
    // `limit` (FerretDB must otherwise read and sort the whole backlog in memory; MongoDB walks
    // the state + nextAttemptAt index in order anyway).
    const docs = await this.col.find(dueFilter(now, excludePartners), { projection: { _id: 1, partnerId: 1 } }).limit(limit).toArray();
    return docs.map((d) => ({ callbackId: String(d._id), partnerId: d.partnerId as string }));
  }

  async claim(callbackId: string, now: Date, leaseUntil: Date): Promise<ClaimedCallback | undefined> {
    const doc = await this.locks.run(callbackId, () =>
      this.col.findOneAndUpdate(
        { _id: callbackId, ...dueFilter(now, []) } as never,
        { $set: { leaseUntil } },
        // No projection: FerretDB v1's findAndModify does not support one.
        { returnDocument: 'after', includeResultMetadata: false },
      ),
    );
    if (!doc) return undefined;
    const d = doc as unknown as CallbackDoc;
    return { ...toRecord(d), details: d.sealedDetails ? this.openDetails(callbackId, d.sealedDetails) : undefined };
  }

  async find(callbackId: string): Promise<CallbackRecord | undefined> {
    const doc = await this.col.findOne({ _id: callbackId } as never, { projection: WITHOUT_DETAILS });
    return doc ? toRecord(doc as unknown as CallbackDoc) : undefined;
  }

  async details(callbackId: string): Promise<CallbackDetails | undefined> {
    const doc = await this.col.findOne({ _id: callbackId } as never, { projection: { sealedDetails: 1 } });
    if (!doc?.sealedDetails) return undefined;
    return this.openDetails(callbackId, doc.sealedDetails);
  }

  private openDetails(callbackId: string, sealed: unknown): CallbackDetails {
    return JSON.parse(this.cipher.openString(bytesOf(sealed), detailsContext(callbackId))) as CallbackDetails;
  }

  async saveDetails(callbackId: string, details: CallbackDetails): Promise<void> {
    const sealed = this.cipher.sealString(JSON.stringify(details), detailsContext(callbackId));
    await this.locks.run(callbackId, () => this.col.updateOne({ _id: callbackId } as never, { $set: { sealedDetails: sealed } }));
  }

  private settle(callbackId: string, set: Record<string, unknown>, unset: string[] = []) {
    const $unset = Object.fromEntries(['leaseUntil', 'resendRequested', ...unset].map((k) => [k, '']));
    return this.locks.run(callbackId, () => this.col.updateOne({ _id: callbackId } as never, { $set: set, $unset }));
  }

  async markDelivered(callbackId: string, at: Date, attempts: number, info: { endpoint: string; format: CallbackFormat; outcome: string }) {
    await this.settle(callbackId, { state: 'DELIVERED', deliveredAt: at, attempts, lastOutcome: info.outcome, endpoint: info.endpoint, format: info.format }, ['parkReason']);
  }

  async scheduleRetry(callbackId: string, at: Date, attempts: number, info: { endpoint?: string; format?: CallbackFormat; outcome: string }) {
    const { outcome, ...where } = info;
    await this.settle(callbackId, { state: 'PENDING', nextAttemptAt: at, attempts, lastOutcome: outcome, ...definedOnly(where) });
  }

  async park(callbackId: string, reason: ParkReason, attempts: number, info: { endpoint?: string; format?: CallbackFormat; outcome: string }) {
    const { outcome, ...where } = info;
    await this.settle(callbackId, { state: 'PARKED', parkReason: reason, attempts, lastOutcome: outcome, ...definedOnly(where) });
  }

  async requeueParked(partnerId: string, reasons: ParkReason[], now: Date): Promise<number> {
    const parked = await this.col.find({ partnerId, state: 'PARKED', parkReason: { $in: reasons } }, { projection: { _id: 1 } }).toArray();
    let n = 0;
    for (const { _id } of parked) {
      const res = await this.locks.run(String(_id), () =>
        this.col.updateOne(
          { _id, state: 'PARKED', parkReason: { $in: reasons } } as never,
          { $set: { state: 'PENDING', nextAttemptAt: now }, $unset: { parkReason: '', leaseUntil: '' } },
        ),
      );
      n += res.modifiedCount;
    }
    return n;
  }

  async requeue(callbackId: string, now: Date): Promise<CallbackRecord | undefined> {
    return this.locks.run(callbackId, async () => {
      const doc = await this.col.findOne({ _id: callbackId } as never, { projection: { attempts: 1 } });
      if (!doc) return undefined;
      await this.col.updateOne(
        { _id: callbackId } as never,
        { $set: { state: 'PENDING', nextAttemptAt: now, ladderStart: doc.attempts ?? 0, resendRequested: true }, $unset: { parkReason: '', leaseUntil: '', deliveredAt: '' } },
      );
      return this.find(callbackId);
    });
  }

  async list(partnerId: string, state: CallbackState | undefined, limit: number): Promise<CallbackRecord[]> {
    const docs = await this.col
      .find({ partnerId, ...(state ? { state } : {}) }, { projection: WITHOUT_DETAILS })
      .sort({ createdAt: -1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => toRecord(d as unknown as CallbackDoc));
  }

  async nextDueAt(now: Date, excludePartners: string[]): Promise<Date | undefined> {
    const doc = await this.col.find(pendingFilter(now, excludePartners), { projection: { nextAttemptAt: 1 } }).sort({ nextAttemptAt: 1 }).limit(1).next();
    return doc ? (doc.nextAttemptAt as Date) : undefined;
  }
}

/** PENDING and not leased (or the lease ran out: its worker died), of a partner not excluded. */
function pendingFilter(now: Date, excludePartners: string[]): mongoose.mongo.Filter<mongoose.mongo.Document> {
  const filter: mongoose.mongo.Filter<mongoose.mongo.Document> = { state: 'PENDING', $or: [{ leaseUntil: null }, { leaseUntil: { $lte: now } }] };
  if (excludePartners.length > 0) filter.partnerId = { $nin: excludePartners };
  return filter;
}

/** Pending, unleased and due by `now`. */
const dueFilter = (now: Date, excludePartners: string[]) => ({ ...pendingFilter(now, excludePartners), nextAttemptAt: { $lte: now } });

function definedOnly(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
