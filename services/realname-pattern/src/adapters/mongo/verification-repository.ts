import mongoose from 'mongoose';
import { failedPrecondition } from '@kyc/core';
import { bytesOf, DocumentLocks, isDuplicateKeyError, OutboxRecord, outboxSchemaFields, pushOutbox } from '@kyc/mongo-kit';
import { PiiCipher } from '@kyc/pii-crypto';
import { StoredVerification, VerificationStore } from '../../application/ports';
import {
  Claim,
  OPEN_STATES,
  Verification,
  VerificationCompleted,
  VerificationEvent,
  VerificationStarted,
  VerificationState,
  verificationSealContext,
  VERIFICATION_ERROR,
} from '../../domain/verification';
import { ProcessProgress } from '../../methods/method';
import { WECHAT_FACE } from '../../methods/wechat-face/wechat-face-method';

/**
 * One document per verification. The claim, the partner's reference and the ticket are sealed
 * (the ticket is a bearer credential; its blind index serves lookups by ticket). Idempotency is a
 * unique index on a blind index of (partner, key): partners' keys may be their own transaction
 * numbers, which are theirs to keep.
 */
const verificationSchema = new mongoose.Schema(
  {
    _id: { type: String },
    subjectId: { type: String, required: true },
    partnerId: { type: String, required: true },
    method: { type: String, required: true },
    state: { type: String, required: true, index: true },
    resultCode: { type: String, default: '' },
    ticketSealed: { type: Buffer },
    ticketIndex: { type: String, index: true },
    providerReference: { type: String, default: '' },
    evidenceIds: { type: [String], default: [] },
    partnerReferenceSealed: { type: Buffer },
    callbackUrl: { type: String, default: '' },
    claimSealed: { type: Buffer },
    /** Unique: a repeated idempotency key cannot start a second verification, even concurrently. */
    idempotencyIndex: { type: String, required: true, index: { unique: true } },
    correlationId: { type: String, default: '' },
    /** Processing lease: a crashed holder's work is taken up again by the sweep once this passes. */
    leaseUntil: { type: Date, required: true },
    nextAttemptAt: { type: Date, required: true },
    attempts: { type: Number, default: 0 },
    firstAttemptAt: { type: Date },
    progress: { type: mongoose.Schema.Types.Mixed, default: {} },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    completedAt: { type: Date },
    ...outboxSchemaFields,
  },
  { collection: 'verifications', versionKey: false },
);
// Ends with _id: latestForSubject's sort (createdAt, then _id) comes from the index, not from memory.
verificationSchema.index({ subjectId: 1, createdAt: -1, _id: -1 });
// The worker's poll: open states, oldest due first.
verificationSchema.index({ state: 1, nextAttemptAt: 1 });

export type VerificationDoc = mongoose.InferSchemaType<typeof verificationSchema> & { _id: string };

interface StoredDoc {
  _id: string;
  subjectId: string;
  partnerId: string;
  method: string;
  state: string;
  resultCode?: string | null;
  ticketSealed?: unknown;
  providerReference?: string | null;
  evidenceIds?: string[] | null;
  partnerReferenceSealed?: unknown;
  callbackUrl?: string | null;
  claimSealed?: unknown;
  correlationId?: string | null;
  leaseUntil: Date;
  nextAttemptAt: Date;
  attempts?: number | null;
  firstAttemptAt?: Date | null;
  progress?: ProcessProgress | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt?: Date | null;
}

export type VerificationEventEncoder = (event: VerificationEvent, correlationId: string) => OutboxRecord;

const EPOCH = new Date(0);
/** "Not due until something else makes it due": external verifications waiting for their decision. */
const NEVER = new Date('9999-12-31T00:00:00Z');

export class VerificationRepository implements VerificationStore {
  readonly model: mongoose.Model<VerificationDoc>;

  constructor(
    conn: mongoose.Connection,
    private readonly cipher: PiiCipher,
    private readonly encodeEvent: VerificationEventEncoder,
    /** Shared with the outbox relay of this collection (see DocumentLocks). */
    readonly locks: DocumentLocks = new DocumentLocks(),
  ) {
    this.model = conn.model<VerificationDoc>('Verification', verificationSchema);
  }

  private get collection() {
    return this.model.collection;
  }

  async insertStarted(input: {
    verification: Verification;
    claim: Claim;
    idempotencyKey: string;
    event: VerificationStarted;
    correlationId: string;
    awaitsExternalDecision?: boolean;
    progress?: ProcessProgress;
  }): Promise<{ verification: Verification; created: boolean }> {
    const v = input.verification;
    // A WeChat verify result proves one attempt: its reference takes the unique idempotency slot, so a
    // second verification with it is refused, even concurrently (and even under another idempotency key).
    const singleUse = v.method === WECHAT_FACE && v.providerReference !== '';
    const idempotencyIndex = singleUse
      ? `single-use:${v.method}:${v.providerReference}`
      : input.idempotencyKey
        ? this.cipher.blindIndex(`${v.partnerId}\n${input.idempotencyKey}`, 'verification_idempotency')
        : `none:${v.id}`;
    const outbox = pushOutbox(this.encodeEvent(input.event, input.correlationId));
    try {
      await this.collection.insertOne({
        _id: v.id,
        subjectId: v.subjectId,
        partnerId: v.partnerId,
        method: v.method,
        state: v.state,
        resultCode: v.resultCode,
        ticketSealed: this.cipher.sealString(v.ticket, verificationSealContext.ticket(v.id)),
        ticketIndex: this.cipher.blindIndex(v.ticket, 'verification_ticket'),
        providerReference: v.providerReference,
        evidenceIds: v.evidenceIds,
        partnerReferenceSealed: this.cipher.sealString(v.partnerReference, verificationSealContext.partnerReference(v.id)),
        callbackUrl: v.callbackUrl,
        claimSealed: this.cipher.sealString(JSON.stringify(input.claim), verificationSealContext.claim(v.id)),
        idempotencyIndex,
        correlationId: input.correlationId,
        leaseUntil: EPOCH,
        nextAttemptAt: input.awaitsExternalDecision ? NEVER : EPOCH,
        attempts: 0,
        progress: input.progress ?? {},
        createdAt: v.createdAt,
        updatedAt: v.updatedAt,
        // The started event goes in with the document itself: one write, nothing to lose.
        outbox: outbox.$push.outbox.$each,
        outboxPending: true,
      } as never);
      return { verification: v, created: true };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      if (singleUse) throw failedPrecondition(VERIFICATION_ERROR.providerReferenceUsed, 'this provider result was already used by another verification');
      const earlier = await this.model.findOne({ idempotencyIndex }).lean<StoredDoc>();
      if (!earlier) throw err;
      return { verification: this.toVerification(earlier), created: false };
    }
  }

  async findById(id: string): Promise<Verification | undefined> {
    const doc = await this.model.findById(id).lean<StoredDoc>();
    return doc ? this.toVerification(doc) : undefined;
  }

  /** By ticket (seed 003 rnAuthTicket), through its blind index; the opened ticket is compared too. */
  async findByTicket(ticket: string): Promise<Verification | undefined> {
    if (!ticket) return undefined;
    const doc = await this.model.findOne({ ticketIndex: this.cipher.blindIndex(ticket, 'verification_ticket') }).lean<StoredDoc>();
    const v = doc ? this.toVerification(doc) : undefined;
    return v?.ticket === ticket ? v : undefined;
  }

  async latestForSubject(subjectId: string, method?: string): Promise<Verification | undefined> {
    const doc = await this.model
      .findOne({ subjectId, ...(method ? { method } : {}) })
      .sort({ createdAt: -1, _id: -1 })
      .lean<StoredDoc>();
    return doc ? this.toVerification(doc) : undefined;
  }

  async openClaim(id: string): Promise<Claim> {
    const doc = await this.model.findById(id, { claimSealed: 1 }).lean<StoredDoc>();
    if (!doc?.claimSealed) return { name: '', idNumber: '', mobile: '' };
    return JSON.parse(this.cipher.openString(bytesOf(doc.claimSealed), verificationSealContext.claim(id))) as Claim;
  }

  async acquireLease(id: string, leaseMs: number, now: Date): Promise<(StoredVerification & { claim: Claim }) | undefined> {
    return this.locks.run(id, async () => {
      const doc = await this.model.findById(id).lean<StoredDoc>();
      if (!doc || !OPEN_STATES.includes(doc.state as VerificationState)) return undefined;
      if (doc.leaseUntil > now || doc.nextAttemptAt > now) return undefined;
      const firstAttemptAt = doc.firstAttemptAt ?? now;
      const res = await this.collection.updateOne(
        // Conditioned on the lease seen, so two replicas on MongoDB cannot both take it.
        { _id: id, state: { $in: [...OPEN_STATES] }, leaseUntil: doc.leaseUntil } as never,
        { $set: { state: 'PROCESSING', leaseUntil: new Date(now.getTime() + leaseMs), firstAttemptAt, updatedAt: now } },
      );
      if (res.modifiedCount !== 1) return undefined;
      return {
        verification: { ...this.toVerification(doc), state: 'PROCESSING', updatedAt: now },
        claim: JSON.parse(this.cipher.openString(bytesOf(doc.claimSealed), verificationSealContext.claim(id))) as Claim,
        progress: doc.progress ?? {},
        attempts: doc.attempts ?? 0,
        firstAttemptAt,
        correlationId: doc.correlationId ?? '',
      };
    });
  }

  async saveProgress(id: string, progress: ProcessProgress): Promise<void> {
    await this.locks.run(id, () => this.collection.updateOne({ _id: id } as never, { $set: { progress, updatedAt: new Date() } }));
  }

  async scheduleRetry(id: string, nextAttemptAt: Date, attempts: number): Promise<void> {
    await this.locks.run(id, () =>
      this.collection.updateOne(
        { _id: id, state: { $in: [...OPEN_STATES] } } as never,
        { $set: { leaseUntil: EPOCH, nextAttemptAt, attempts, updatedAt: new Date() } },
      ),
    );
  }

  async complete(v: Verification, event: VerificationCompleted, correlationId: string): Promise<boolean> {
    const outbox = pushOutbox(this.encodeEvent(event, correlationId));
    return this.locks.run(v.id, async () => {
      const res = await this.collection.updateOne(
        { _id: v.id, state: { $in: [...OPEN_STATES] } } as never,
        {
          $set: {
            ...outbox.$set,
            state: v.state,
            resultCode: v.resultCode,
            providerReference: v.providerReference,
            completedAt: v.completedAt,
            updatedAt: v.updatedAt,
            leaseUntil: EPOCH,
          },
          $push: outbox.$push,
        } as never,
      );
      return res.modifiedCount === 1;
    });
  }

  async recordExternalDecision(id: string, progress: ProcessProgress): Promise<boolean> {
    return this.locks.run(id, async () => {
      // Read, then update conditioned on the state: FerretDB cannot be relied on for a conditional
      // update alone, and the lock serializes this service's writers of the document.
      const doc = await this.model.findById(id, { state: 1, progress: 1 }).lean<Pick<StoredDoc, 'state' | 'progress'>>();
      if (!doc || !OPEN_STATES.includes(doc.state as VerificationState) || doc.progress?.reviewDecision) return false;
      const now = new Date();
      const res = await this.collection.updateOne(
        { _id: id, state: { $in: [...OPEN_STATES] } } as never,
        { $set: { progress: { ...(doc.progress ?? {}), ...progress }, nextAttemptAt: now, leaseUntil: EPOCH, attempts: 0, updatedAt: now } },
      );
      return res.modifiedCount === 1;
    });
  }

  async makeDue(id: string): Promise<void> {
    await this.locks.run(id, () =>
      this.collection.updateOne({ _id: id, state: { $in: [...OPEN_STATES] } } as never, { $set: { nextAttemptAt: new Date() } }),
    );
  }

  async existingIds(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const docs = await this.model.find({ _id: { $in: ids } }, { _id: 1 }).lean<{ _id: string }[]>();
    return docs.map((d) => d._id);
  }

  async dueForProcessing(methods: string[], now: Date, limit: number): Promise<string[]> {
    // One equality query per open state, unsorted: the sweep processes all it gets at once, so
    // order does not matter, and a server that cannot use the index for `$in` or a sort
    // (FerretDB) then reads only open verifications and stops at the limit, instead of reading
    // and sorting every verification ever stored once a second.
    const ids: string[] = [];
    for (const state of OPEN_STATES) {
      if (ids.length >= limit) break;
      const docs = await this.model
        .find({ state, method: { $in: methods }, leaseUntil: { $lte: now }, nextAttemptAt: { $lte: now } }, { _id: 1 })
        .limit(limit - ids.length)
        .lean<{ _id: string }[]>();
      ids.push(...docs.map((d) => d._id));
    }
    return ids;
  }

  private toVerification(doc: StoredDoc): Verification {
    const open = (sealed: unknown, context: string) => (sealed ? this.cipher.openString(bytesOf(sealed), context) : '');
    return {
      id: doc._id,
      subjectId: doc.subjectId,
      partnerId: doc.partnerId,
      method: doc.method,
      state: doc.state as VerificationState,
      resultCode: doc.resultCode ?? '',
      ticket: open(doc.ticketSealed, verificationSealContext.ticket(doc._id)),
      providerReference: doc.providerReference ?? '',
      evidenceIds: doc.evidenceIds ?? [],
      partnerReference: open(doc.partnerReferenceSealed, verificationSealContext.partnerReference(doc._id)),
      callbackUrl: doc.callbackUrl ?? '',
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
      completedAt: doc.completedAt ?? undefined,
    };
  }
}
