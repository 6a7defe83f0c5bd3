import mongoose from 'mongoose';
import { review } from '@kyc/contracts';
import { bytesOf, Counter, OutboxRecord, outboxRecord, outboxSchemaFields, pushOutbox } from '@kyc/mongo-kit';
import { PiiCipher } from '@kyc/pii-crypto';
import { CaseStatus, SUBMITTABLE, sealContext } from '../../domain/review-case';

/** One document per subject; personal fields are sealed, the ID number also has a blind index. */
const reviewCaseSchema = new mongoose.Schema(
  {
    _id: { type: String },
    caseId: { type: String, required: true },
    caseNumber: { type: Number, required: true, index: true },
    partnerId: { type: String, required: true },
    status: { type: Number, required: true, index: true },
    nameSealed: { type: Buffer },
    idNumberSealed: { type: Buffer },
    idNumberIndex: { type: String, index: true },
    rejectReason: { type: String, default: '' },
    submittedAt: { type: Date, index: true },
    /** Ids of events already applied to this document: a redelivery cannot apply twice. */
    appliedEvents: { type: [String], default: [] },
    ...outboxSchemaFields,
  },
  { collection: 'review_cases', timestamps: true, versionKey: false },
);

export type ReviewCaseDoc = mongoose.InferSchemaType<typeof reviewCaseSchema> & { _id: string };

export interface ReviewCaseView {
  found: boolean;
  caseId: string;
  caseNumber: number;
  status: CaseStatus;
  name: string;
  idNumber: string;
  rejectReason: string;
}

export class ReviewCaseRepository {
  readonly model: mongoose.Model<ReviewCaseDoc>;
  private readonly counter: Counter;

  constructor(
    conn: mongoose.Connection,
    private readonly cipher: PiiCipher,
    private readonly reviewTopic: string,
  ) {
    this.model = conn.model<ReviewCaseDoc>('ReviewCase', reviewCaseSchema);
    this.counter = new Counter(conn);
  }

  async find(subjectId: string): Promise<ReviewCaseView> {
    const doc = await this.model.findById(subjectId).lean();
    if (!doc || doc.status === undefined) {
      return { found: false, caseId: '', caseNumber: 0, status: CaseStatus.Draft, name: '', idNumber: '', rejectReason: '' };
    }
    return {
      found: true,
      caseId: doc.caseId,
      caseNumber: doc.caseNumber,
      status: doc.status as CaseStatus,
      name: doc.nameSealed ? this.cipher.openString(bytesOf(doc.nameSealed), sealContext.name(subjectId)) : '',
      idNumber: doc.idNumberSealed ? this.cipher.openString(bytesOf(doc.idNumberSealed), sealContext.idNumber(subjectId)) : '',
      rejectReason: doc.rejectReason ?? '',
    };
  }

  /**
   * Moves the subject's case to Pending with the submitted identity, in one atomic single-document
   * update that also records the causing event and queues CaseSubmitted in the outbox.
   * Returns false when the case is locked or the event was already applied.
   */
  /** Creates the subject's Draft case if it has none yet; safe to call concurrently. */
  async ensureCase(subjectId: string, partnerId: string): Promise<void> {
    if (await this.model.exists({ _id: subjectId })) return;
    const caseNumber = await this.counter.next('review_case');
    const now = new Date();
    try {
      await this.model.collection.updateOne(
        { _id: subjectId } as never,
        {
          $setOnInsert: {
            caseId: new mongoose.Types.ObjectId().toHexString(),
            caseNumber,
            partnerId,
            status: CaseStatus.Draft,
            appliedEvents: [],
            outbox: [],
            outboxPending: false,
            createdAt: now,
            updatedAt: now,
          },
        },
        { upsert: true },
      );
    } catch (err) {
      // Lost the race to another writer creating the same case: it exists now, which is all we need.
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }

  /**
   * Moves the subject's case to Pending with the submitted identity, in one atomic single-document
   * update that also records the causing event and queues CaseSubmitted in the outbox.
   * Returns false when the case is locked or the event was already applied.
   */
  async submit(input: {
    subjectId: string;
    partnerId: string;
    name: string;
    idNumber: string;
    eventId: string;
    correlationId: string;
  }): Promise<boolean> {
    const { subjectId } = input;
    await this.ensureCase(subjectId, input.partnerId);
    const { caseId } = (await this.model.findById(subjectId, { caseId: 1 }).lean())!;
    const now = new Date();
    const event = outboxRecord({
      topic: this.reviewTopic,
      type: 'kyc.review.v1.CaseSubmitted',
      key: subjectId,
      payload: Buffer.from(
        review.CaseSubmitted.encode({ caseId, subjectId, partnerId: input.partnerId, submittedAt: now }).finish(),
      ),
      correlationId: input.correlationId,
      causationId: input.eventId,
    });
    const outbox = pushOutbox(event);
    const res = await this.model.collection.updateOne(
      { _id: subjectId, status: { $in: [...SUBMITTABLE] }, appliedEvents: { $ne: input.eventId } } as never,
      {
        $set: {
          ...outbox.$set,
          status: CaseStatus.Pending,
          nameSealed: this.cipher.sealString(input.name, sealContext.name(subjectId)),
          idNumberSealed: this.cipher.sealString(input.idNumber, sealContext.idNumber(subjectId)),
          idNumberIndex: this.cipher.blindIndex(input.idNumber, 'idcard_number'),
          rejectReason: '',
          submittedAt: now,
          updatedAt: now,
        },
        $push: { ...outbox.$push, appliedEvents: { $each: [input.eventId], $slice: -50 } },
      } as never,
    );
    return res.modifiedCount === 1;
  }

  /** Records a refused submission in the outbox so the partner can be told. */
  async refuse(input: { subjectId: string; partnerId: string; reasonCode: string; eventId: string; correlationId: string }) {
    const record: OutboxRecord = outboxRecord({
      topic: this.reviewTopic,
      type: 'kyc.review.v1.SubmissionRefused',
      key: input.subjectId,
      payload: Buffer.from(
        review.SubmissionRefused.encode({ subjectId: input.subjectId, partnerId: input.partnerId, reasonCode: input.reasonCode }).finish(),
      ),
      correlationId: input.correlationId,
      causationId: input.eventId,
    });
    const outbox = pushOutbox(record);
    await this.ensureCase(input.subjectId, input.partnerId);
    await this.model.collection.updateOne(
      { _id: input.subjectId, appliedEvents: { $ne: input.eventId } } as never,
      { $set: outbox.$set, $push: { ...outbox.$push, appliedEvents: { $each: [input.eventId], $slice: -50 } } } as never,
    );
  }
}
