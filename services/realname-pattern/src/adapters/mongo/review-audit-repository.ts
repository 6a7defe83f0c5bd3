import mongoose from 'mongoose';
import { isDuplicateKeyError } from '@kyc/mongo-kit';
import { DecisionRecord } from '../../domain/review-case';
import { ClaimResult, ReviewAuditStore } from '../../application/ports';

/**
 * `review_audit`: the append-only trail of review decisions, one document per decided round of a
 * case (`_id` = "<caseId>:<round>"). It records who decided what and when, with ids and codes
 * only: case id, round, from/to status, reviewer id, reason code, time, correlation id. No name,
 * ID number, subject id or free-text note: those may identify a person, and the trail must be
 * keepable after the subject's data is erased.
 *
 * Insert-only: this class has no update or delete, and nothing else writes the collection (in
 * production, give the service's database user no update/remove privilege on it).
 *
 * The unique `_id` is also what makes concurrent decisions safe: inserting the entry is the
 * decision's commit point, so of several reviewers deciding the same round exactly one insert
 * succeeds. A unique insert is atomic on MongoDB and on FerretDB v1 alike, unlike a conditional
 * update (see DocumentLocks).
 */
const reviewAuditSchema = new mongoose.Schema(
  {
    _id: { type: String },
    caseId: { type: String, required: true, index: true },
    round: { type: Number, required: true },
    fromStatus: { type: Number, required: true },
    toStatus: { type: Number, required: true },
    reviewerId: { type: String, required: true, index: true },
    reasonCode: { type: String, default: '' },
    decidedAt: { type: Date, required: true },
    eventId: { type: String, required: true },
    correlationId: { type: String, default: '' },
  },
  { collection: 'review_audit', versionKey: false },
);

export type ReviewAuditDoc = mongoose.InferSchemaType<typeof reviewAuditSchema> & { _id: string };

export type { ClaimResult };

export class ReviewAuditRepository implements ReviewAuditStore {
  readonly model: mongoose.Model<ReviewAuditDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = conn.model<ReviewAuditDoc>('ReviewAudit', reviewAuditSchema);
  }

  /** Records a decision unless its (case, round) already has one; then returns that one. */
  async claim(record: DecisionRecord): Promise<ClaimResult> {
    try {
      await this.model.collection.insertOne({ ...record } as never);
      return { won: true };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.get(record._id);
      if (!existing) throw err;
      return { won: false, existing };
    }
  }

  async get(id: string): Promise<DecisionRecord | undefined> {
    const doc = await this.model.collection.findOne({ _id: id } as never);
    return doc ? toRecord(doc) : undefined;
  }

  async byIds(ids: string[]): Promise<DecisionRecord[]> {
    if (ids.length === 0) return [];
    const docs = await this.model.collection.find({ _id: { $in: ids } } as never).toArray();
    return docs.map(toRecord);
  }

  /** A case's decisions, oldest round first. */
  async forCase(caseId: string): Promise<DecisionRecord[]> {
    const docs = await this.model.collection.find({ caseId }).sort({ round: 1 }).toArray();
    return docs.map(toRecord);
  }
}

function toRecord(doc: Record<string, unknown>): DecisionRecord {
  return {
    _id: String(doc._id),
    caseId: doc.caseId as string,
    round: doc.round as number,
    fromStatus: doc.fromStatus as DecisionRecord['fromStatus'],
    toStatus: doc.toStatus as DecisionRecord['toStatus'],
    reviewerId: doc.reviewerId as string,
    reasonCode: (doc.reasonCode as string) ?? '',
    decidedAt: doc.decidedAt as Date,
    eventId: doc.eventId as string,
    correlationId: (doc.correlationId as string) ?? '',
  };
}
