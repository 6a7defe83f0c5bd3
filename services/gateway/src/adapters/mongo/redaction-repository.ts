import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { encodeRedactionRequest, REDACTION_EVENT_TYPES } from '@kyc/kafka-bus';
import { isDuplicateKeyError, outboxRecord, outboxSchemaFields } from '@kyc/mongo-kit';
import { PiiCipher } from '@kyc/pii-crypto';
import { PartnerRedactionsPort } from '../../application/ports';
import { RedactionRecord } from '../../domain/redaction';

/**
 * `redactions`: one document per redacted subject (unique subject id), written together with its
 * SubjectRedactionRequested outbox record in one insert, so a crash cannot lose the request. It
 * keeps what is needed to answer "redacted" once the subject itself is gone: the partner, the
 * opaque subject id and a blind index of (partner, partner's user id), never the user id itself.
 *
 * `redaction_progress`: one document per (redaction, service) report, created by a unique insert,
 * so concurrent or repeated reports can neither be lost nor counted twice (FerretDB v1 applies
 * updates of one document as read-modify-write).
 */
const redactionSchema = new mongoose.Schema(
  {
    _id: { type: String },
    partnerId: { type: String, required: true },
    subjectId: { type: String, required: true, unique: true },
    userKey: { type: String, required: true, index: true },
    requestedAt: { type: Date, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'redactions', versionKey: false },
);

const progressSchema = new mongoose.Schema(
  {
    _id: { type: String },
    redactionId: { type: String, required: true, index: true },
    service: { type: String, required: true },
    completedAt: { type: Date, required: true },
  },
  { collection: 'redaction_progress', versionKey: false },
);

interface RedactionDoc {
  _id: string;
  partnerId: string;
  subjectId: string;
  userKey: string;
  requestedAt: Date;
}

export class RedactionRepository implements PartnerRedactionsPort {
  readonly model: mongoose.Model<mongoose.InferSchemaType<typeof redactionSchema>>;
  readonly progress: mongoose.Model<mongoose.InferSchemaType<typeof progressSchema>>;

  /**
   * `revokeAccess`: run once the redaction is recorded, before the partner hears 202 (the user's
   * sessions stop working at once instead of when the gateway's erasure runs).
   */
  constructor(
    conn: mongoose.Connection,
    private readonly cipher: PiiCipher,
    private readonly topic: string,
    private readonly revokeAccess: (subjectId: string) => Promise<void> = async () => undefined,
  ) {
    this.model = conn.model('Redaction', redactionSchema);
    this.progress = conn.model('RedactionProgress', progressSchema);
  }

  private userKeyOf(partnerId: string, partnerUserId: string): string {
    return this.cipher.blindIndex(`${partnerId}\u0000${partnerUserId}`, 'redaction-user');
  }

  async request(input: { partnerId: string; partnerUserId: string; subjectId: string }): Promise<{ record: RedactionRecord; created: boolean }> {
    const redactionId = randomUUID();
    const requestedAt = new Date();
    const event = outboxRecord({
      topic: this.topic,
      type: REDACTION_EVENT_TYPES.requested,
      key: input.subjectId,
      payload: encodeRedactionRequest({ redactionId, subjectId: input.subjectId, partnerId: input.partnerId }, requestedAt),
      correlationId: redactionId,
      causationId: '',
    });
    try {
      await this.model.collection.insertOne({
        _id: redactionId,
        partnerId: input.partnerId,
        subjectId: input.subjectId,
        userKey: this.userKeyOf(input.partnerId, input.partnerUserId),
        requestedAt,
        outbox: [event],
        outboxPending: true,
      } as never);
      await this.revokeAccess(input.subjectId);
      return { record: { redactionId, partnerId: input.partnerId, subjectId: input.subjectId, requestedAt, completions: new Map() }, created: true };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err; // the subject is already being redacted: answer that one
    }
    const earlier = await this.model.findOne({ subjectId: input.subjectId }).lean<RedactionDoc>();
    if (!earlier) throw new Error('redaction vanished after a duplicate key');
    await this.revokeAccess(input.subjectId);
    return { record: await this.withProgress(earlier), created: false };
  }

  async latestOfUser(partnerId: string, partnerUserId: string): Promise<RedactionRecord | undefined> {
    const doc = await this.model.findOne({ userKey: this.userKeyOf(partnerId, partnerUserId), partnerId }).sort({ requestedAt: -1 }).lean<RedactionDoc>();
    return doc ? this.withProgress(doc) : undefined;
  }

  async find(redactionId: string): Promise<RedactionRecord | undefined> {
    const doc = await this.model.findById(redactionId).lean<RedactionDoc>();
    return doc ? this.withProgress(doc) : undefined;
  }

  /** A service's report; a repeat changes nothing. */
  async recordCompletion(redactionId: string, service: string, completedAt: Date): Promise<void> {
    try {
      await this.progress.collection.insertOne({ _id: `${redactionId}:${service}`, redactionId, service, completedAt } as never);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  private async withProgress(doc: RedactionDoc): Promise<RedactionRecord> {
    const reports = await this.progress.find({ redactionId: doc._id }).lean<{ service: string; completedAt: Date }[]>();
    return {
      redactionId: doc._id,
      partnerId: doc.partnerId,
      subjectId: doc.subjectId,
      requestedAt: doc.requestedAt,
      completions: new Map(reports.map((r) => [r.service, r.completedAt])),
    };
  }
}
