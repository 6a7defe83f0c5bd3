import mongoose from 'mongoose';
import { bytesOf, Counter, DocumentLocks, isDuplicateKeyError, OutboxRecord, outboxSchemaFields, pushOutbox } from '@kyc/mongo-kit';
import { PiiCipher } from '@kyc/pii-crypto';
import { CaseSummaryView, ReviewCaseStore, ReviewCaseView } from '../../application/ports';
import {
  CaseStatus,
  decisionEvents,
  DecisionRecord,
  nextRound,
  ReviewEvent,
  SUBMITTABLE,
  sealContext,
  SubmissionExtras,
  submissionEvents,
} from '../../domain/review-case';

/** One document per subject; personal fields are sealed, the ID number also has a blind index. */
const reviewCaseSchema = new mongoose.Schema(
  {
    _id: { type: String },
    caseId: { type: String, required: true, index: { unique: true } },
    caseNumber: { type: Number, required: true, index: true },
    partnerId: { type: String, required: true },
    status: { type: Number, required: true, index: true },
    /** Submission round: 0 before the first submission, +1 with every (re)submission. */
    round: { type: Number, default: 0 },
    nameSealed: { type: Buffer },
    idNumberSealed: { type: Buffer },
    idNumberIndex: { type: String, index: true },
    /** Legacy clear-text reason; no longer written (see rejectNoteSealed). */
    rejectReason: { type: String, default: '' },
    /** Reason code of the latest rejection (from the catalog; not personal data). */
    rejectReasonCode: { type: String, default: '' },
    /** The reviewer's free-text note of the latest rejection: may hold personal data, so sealed. */
    rejectNoteSealed: { type: Buffer },
    /** The current round's verification method and document type; absent: seed 002's manual review of an ID card. */
    method: { type: String },
    documentType: { type: String },
    /** The current round's extra fields (seed 001): personal data, sealed JSON. */
    detailsSealed: { type: Buffer },
    decidedAt: { type: Date },
    decidedBy: { type: String },
    submittedAt: { type: Date, index: true },
    /** Ids of events already applied to this document: a redelivery cannot apply twice. */
    appliedEvents: { type: [String], default: [] },
    ...outboxSchemaFields,
  },
  { collection: 'review_cases', timestamps: true, versionKey: false },
);
// The review queue (listPending): pending cases in submission order, read from the index.
reviewCaseSchema.index({ status: 1, submittedAt: 1, caseNumber: 1 });

export type ReviewCaseDoc = mongoose.InferSchemaType<typeof reviewCaseSchema> & { _id: string };

export type { CaseSummaryView, ReviewCaseView };

/** Where a review event came from: envelope fields, not part of the event itself. */
export interface ReviewEventMeta {
  correlationId: string;
  causationId: string;
  /** A stable id for an event that may be queued again (a decision's); random when absent. */
  eventId?: string;
}

/** Turns a domain event into the outbox record that publishes it (src/adapters/kafka/review-events.ts). */
export type ReviewEventEncoder = (event: ReviewEvent, meta: ReviewEventMeta) => OutboxRecord;

/** The lock change a decision causes gets an id derived from the decision's event id: as stable as it. */
const lockEventIdOf = (decisionEventId: string) => `${decisionEventId}:evidence-lock`;

/**
 * A document written before rounds existed has no `round`: it is at round 1 if it was ever
 * submitted, 0 otherwise. Filters on a round must then also match the missing field.
 */
const roundOf = (doc: { round?: number | null; status?: number | null }) =>
  doc.round ?? (doc.status === undefined || doc.status === null || doc.status === CaseStatus.Draft ? 0 : 1);
const roundFilter = (round: number) => (round <= 1 ? { $in: [round, null] } : round);

interface StoredSummary {
  _id: string;
  caseId: string;
  caseNumber: number;
  partnerId: string;
  status: number;
  round?: number | null;
  submittedAt?: Date | null;
}

interface StoredCase extends StoredSummary {
  method?: string | null;
  documentType?: string | null;
  detailsSealed?: unknown;
  nameSealed?: unknown;
  idNumberSealed?: unknown;
  rejectNoteSealed?: unknown;
  rejectReason?: string | null;
  rejectReasonCode?: string | null;
}

const NOT_FOUND: ReviewCaseView = {
  found: false,
  caseId: '',
  caseNumber: 0,
  subjectId: '',
  partnerId: '',
  status: CaseStatus.Draft,
  round: 0,
  name: '',
  idNumber: '',
  rejectReason: '',
  rejectReasonCode: '',
};

export class ReviewCaseRepository implements ReviewCaseStore {
  readonly model: mongoose.Model<ReviewCaseDoc>;
  private readonly counter: Counter;

  constructor(
    conn: mongoose.Connection,
    private readonly cipher: PiiCipher,
    private readonly encodeEvent: ReviewEventEncoder,
    /** Shared with every other writer of this collection in the process (see DocumentLocks). */
    readonly locks: DocumentLocks = new DocumentLocks(),
  ) {
    this.model = conn.model<ReviewCaseDoc>('ReviewCase', reviewCaseSchema);
    this.counter = new Counter(conn);
  }

  /** The subject's case with its identity opened, for the partner's status query. */
  async find(subjectId: string): Promise<ReviewCaseView> {
    const doc = await this.model.findById(subjectId).lean();
    if (!doc || doc.status === undefined) return { ...NOT_FOUND };
    return this.view(doc);
  }

  /** A case by its id, with its identity opened, for a reviewer. */
  async findByCaseId(caseId: string): Promise<ReviewCaseView> {
    const doc = await this.model.findOne({ caseId }).lean();
    if (!doc || doc.status === undefined) return { ...NOT_FOUND };
    return this.view(doc);
  }

  /** A case's summary by its id (nothing opened). */
  async summaryByCaseId(caseId: string): Promise<CaseSummaryView | undefined> {
    const doc = await this.model
      .findOne({ caseId }, { caseId: 1, caseNumber: 1, partnerId: 1, status: 1, round: 1, submittedAt: 1 })
      .lean();
    return doc && doc.status !== undefined ? this.summary(doc) : undefined;
  }

  /** Pending cases, oldest (current) submission first. */
  async listPending(limit: number): Promise<CaseSummaryView[]> {
    const docs = await this.model
      .find({ status: CaseStatus.Pending }, { caseId: 1, caseNumber: 1, partnerId: 1, status: 1, round: 1, submittedAt: 1 })
      .sort({ submittedAt: 1, caseNumber: 1 })
      .limit(limit)
      .lean();
    return docs.map((d) => this.summary(d));
  }

  /** Pending cases whose last write is older than `before`: candidates for rolling a decision forward. */
  async pendingSince(before: Date, limit = 500): Promise<{ subjectId: string; caseId: string; round: number }[]> {
    const docs = await this.model
      .find({ status: CaseStatus.Pending, updatedAt: { $lt: before } }, { caseId: 1, round: 1, status: 1 })
      .limit(limit)
      .lean();
    return docs.map((d) => ({ subjectId: d._id, caseId: d.caseId, round: roundOf(d) }));
  }

  /** Creates the subject's Draft case if it has none yet; safe to call concurrently. */
  async ensureCase(subjectId: string, partnerId: string): Promise<void> {
    if (await this.model.exists({ _id: subjectId })) return;
    const caseNumber = await this.locks.run('counter:review_case', () => this.counter.next('review_case'));
    const now = new Date();
    try {
      await this.locks.run(subjectId, () =>
        this.model.collection.updateOne(
          { _id: subjectId } as never,
          {
            $setOnInsert: {
              caseId: new mongoose.Types.ObjectId().toHexString(),
              caseNumber,
              partnerId,
              status: CaseStatus.Draft,
              round: 0,
              appliedEvents: [],
              outbox: [],
              outboxPending: false,
              createdAt: now,
              updatedAt: now,
            },
          },
          { upsert: true },
        ),
      );
    } catch (err) {
      // Lost the race to another writer creating the same case: it exists now, which is all we need.
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  /**
   * Moves the subject's case to Pending with the submitted identity, opening the next round, in
   * one single-document update that also records the causing event and queues CaseSubmitted and
   * EvidenceLockChanged in the outbox. Returns false when the case is locked or the event was
   * already applied.
   */
  async submit(input: {
    subjectId: string;
    partnerId: string;
    name: string;
    idNumber: string;
    eventId: string;
    correlationId: string;
    /** Seed 001's method, document type and extra fields; absent for seed 002. */
    extras?: SubmissionExtras;
  }): Promise<boolean> {
    const { subjectId } = input;
    await this.ensureCase(subjectId, input.partnerId);
    return this.locks.run(subjectId, async () => {
      const current = (await this.model.findById(subjectId, { caseId: 1, round: 1, status: 1 }).lean())!;
      const round = nextRound(roundOf(current));
      const now = new Date();
      const meta = { correlationId: input.correlationId, causationId: input.eventId };
      const outbox = pushOutbox(
        ...submissionEvents({ caseId: current.caseId, subjectId, partnerId: input.partnerId }, round, now).map((e) => this.encodeEvent(e, meta)),
      );
      const res = await this.model.collection.updateOne(
        {
          _id: subjectId,
          status: { $in: [...SUBMITTABLE] },
          round: roundFilter(roundOf(current)),
          appliedEvents: { $ne: input.eventId },
        } as never,
        {
          $set: {
            ...outbox.$set,
            status: CaseStatus.Pending,
            round,
            nameSealed: this.cipher.sealString(input.name, sealContext.name(subjectId)),
            idNumberSealed: this.cipher.sealString(input.idNumber, sealContext.idNumber(subjectId)),
            idNumberIndex: this.cipher.blindIndex(input.idNumber, 'idcard_number'),
            ...(input.extras
              ? {
                  method: input.extras.method,
                  documentType: input.extras.documentType,
                  detailsSealed: this.cipher.sealString(JSON.stringify(input.extras.details), sealContext.details(subjectId)),
                }
              : {}),
            rejectReason: '',
            rejectReasonCode: '',
            submittedAt: now,
            updatedAt: now,
          },
          $unset: { rejectNoteSealed: '', decidedAt: '', decidedBy: '', ...(input.extras ? {} : { method: '', documentType: '', detailsSealed: '' }) },
          $push: { ...outbox.$push, appliedEvents: { $each: [input.eventId], $slice: -50 } },
        } as never,
      );
      return res.modifiedCount === 1;
    });
  }

  /** Records a refused submission in the outbox so the partner can be told. */
  async refuse(input: { subjectId: string; partnerId: string; reasonCode: string; eventId: string; correlationId: string }) {
    const outbox = pushOutbox(
      this.encodeEvent(
        { type: 'SubmissionRefused', subjectId: input.subjectId, partnerId: input.partnerId, reasonCode: input.reasonCode },
        { correlationId: input.correlationId, causationId: input.eventId },
      ),
    );
    await this.ensureCase(input.subjectId, input.partnerId);
    await this.locks.run(input.subjectId, () =>
      this.model.collection.updateOne(
        { _id: input.subjectId, appliedEvents: { $ne: input.eventId } } as never,
        { $set: outbox.$set, $push: { ...outbox.$push, appliedEvents: { $each: [input.eventId], $slice: -50 } } } as never,
      ),
    );
  }

  /**
   * Applies a recorded decision to the case: the new status, the rejection reason, and CaseDecided
   * and EvidenceLockChanged in the outbox, in one single-document update conditioned on the case
   * still being Pending at the decided round. Idempotent: applying the same decision again changes
   * nothing. The event ids come from the decision record, so even a double application publishes
   * one id per event.
   * `note` is the reviewer's free text; a roll-forward after a crash has none (it is not kept in
   * the audit trail).
   */
  async applyDecision(subjectId: string, decision: DecisionRecord, note = ''): Promise<boolean> {
    return this.locks.run(subjectId, async () => {
      const current = await this.model.findById(subjectId, { caseId: 1, partnerId: 1 }).lean();
      if (!current || current.caseId !== decision.caseId) return false;
      const [decided, lock] = decisionEvents({ caseId: decision.caseId, subjectId, partnerId: current.partnerId }, decision);
      const meta = { correlationId: decision.correlationId, causationId: decision._id };
      const outbox = pushOutbox(
        this.encodeEvent(decided, { ...meta, eventId: decision.eventId }),
        this.encodeEvent(lock, { ...meta, eventId: lockEventIdOf(decision.eventId) }),
      );
      const rejected = decision.toStatus === CaseStatus.Rejected;
      const res = await this.model.collection.updateOne(
        { _id: subjectId, caseId: decision.caseId, status: CaseStatus.Pending, round: roundFilter(decision.round) } as never,
        {
          $set: {
            ...outbox.$set,
            status: decision.toStatus,
            round: decision.round,
            rejectReason: '',
            rejectReasonCode: decision.reasonCode,
            decidedAt: decision.decidedAt,
            decidedBy: decision.reviewerId,
            updatedAt: new Date(),
            ...(rejected && note ? { rejectNoteSealed: this.cipher.sealString(note, sealContext.rejectNote(subjectId)) } : {}),
          },
          $push: outbox.$push,
        } as never,
      );
      return res.modifiedCount === 1;
    });
  }

  private summary(doc: StoredSummary): CaseSummaryView {
    return {
      caseId: doc.caseId,
      caseNumber: doc.caseNumber,
      subjectId: doc._id,
      partnerId: doc.partnerId,
      status: doc.status as CaseStatus,
      round: roundOf(doc),
      submittedAt: doc.submittedAt ?? undefined,
    };
  }

  private view(doc: StoredCase): ReviewCaseView {
    const subjectId = doc._id;
    const open = (sealed: unknown, context: string) => (sealed ? this.cipher.openString(bytesOf(sealed), context) : '');
    return {
      ...this.summary(doc),
      found: true,
      name: open(doc.nameSealed, sealContext.name(subjectId)),
      idNumber: open(doc.idNumberSealed, sealContext.idNumber(subjectId)),
      rejectReason: open(doc.rejectNoteSealed, sealContext.rejectNote(subjectId)) || (doc.rejectReason ?? ''),
      rejectReasonCode: doc.rejectReasonCode ?? '',
      extras: doc.method
        ? {
            method: doc.method,
            documentType: doc.documentType === 'passport' ? 'passport' : 'id-card',
            details: doc.detailsSealed ? (JSON.parse(open(doc.detailsSealed, sealContext.details(subjectId))) as Record<string, string>) : {},
          }
        : undefined,
    };
  }
}
