import mongoose from 'mongoose';
import { DocumentLocks, OutboxRecord, outboxSchemaFields, pushOutbox } from '@kyc/mongo-kit';
import { PiiCipher } from '@kyc/pii-crypto';
import { MobileCodeCrypto, MobileCodeRequested, MobileCodeStore } from '../../application/mobile-codes';
import { StoredMobileCode } from '../../domain/mobile-code';

/**
 * Seed 003 MOBILE's codes, beside the verifications: one document per code sent, with its hash
 * (never the code), expiry, attempt counter and use, and MobileCodeRequested in its outbox (the
 * number and the code sealed for the notifier). Limits are counted over these documents.
 */
const mobileCodeSchema = new mongoose.Schema(
  {
    _id: { type: String },
    partnerId: { type: String, required: true },
    subjectId: { type: String, required: true },
    mobileIndex: { type: String, required: true },
    codeHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    attempts: { type: Number, default: 0 },
    usedAt: { type: Date },
    purpose: { type: String },
    ...outboxSchemaFields,
  },
  { collection: 'mobile_codes', versionKey: false },
);
mobileCodeSchema.index({ mobileIndex: 1, createdAt: -1 });
mobileCodeSchema.index({ partnerId: 1, subjectId: 1, createdAt: -1 });

type MobileCodeDoc = Omit<StoredMobileCode, 'id'> & { _id: string };

const toCode = ({ _id, ...rest }: MobileCodeDoc): StoredMobileCode => ({
  ...rest,
  id: _id,
  attempts: rest.attempts ?? 0,
  usedAt: rest.usedAt ?? undefined,
  purpose: rest.purpose ?? undefined,
});

const PROJECTION = { outbox: 0 } as const;

export class MobileCodeRepository implements MobileCodeStore {
  readonly model: mongoose.Model<MobileCodeDoc>;

  constructor(
    conn: mongoose.Connection,
    private readonly encodeEvent: (event: MobileCodeRequested, correlationId: string) => OutboxRecord,
    /** Shared with the outbox relay of this collection. */
    readonly locks: DocumentLocks = new DocumentLocks(),
  ) {
    this.model = conn.model<MobileCodeDoc>('MobileCode', mobileCodeSchema);
  }

  async countSince(filter: { mobileIndex: string } | { partnerId: string; subjectId: string }, since: Date): Promise<number> {
    return this.model.countDocuments({ ...filter, createdAt: { $gt: since } });
  }

  async latestToNumber(mobileIndex: string): Promise<StoredMobileCode | undefined> {
    const doc = await this.model.findOne({ mobileIndex }, PROJECTION).sort({ createdAt: -1 }).lean<MobileCodeDoc>();
    return doc ? toCode(doc) : undefined;
  }

  async latestFor(partnerId: string, subjectId: string, mobileIndex: string): Promise<StoredMobileCode | undefined> {
    const doc = await this.model.findOne({ partnerId, subjectId, mobileIndex, purpose: { $exists: false } }, PROJECTION).sort({ createdAt: -1 }).lean<MobileCodeDoc>();
    return doc ? toCode(doc) : undefined;
  }

  async latestForPurpose(partnerId: string, subjectId: string, purpose: string): Promise<StoredMobileCode | undefined> {
    const doc = await this.model.findOne({ partnerId, subjectId, purpose }, PROJECTION).sort({ createdAt: -1 }).lean<MobileCodeDoc>();
    return doc ? toCode(doc) : undefined;
  }

  async insert(code: StoredMobileCode, event: MobileCodeRequested, correlationId: string): Promise<void> {
    const outbox = pushOutbox(this.encodeEvent(event, correlationId));
    await this.model.collection.insertOne({
      _id: code.id,
      partnerId: code.partnerId,
      subjectId: code.subjectId,
      mobileIndex: code.mobileIndex,
      codeHash: code.codeHash,
      createdAt: code.createdAt,
      expiresAt: code.expiresAt,
      attempts: 0,
      ...(code.purpose ? { purpose: code.purpose } : {}),
      // The request to send goes in with the code itself: one write, nothing to lose.
      outbox: outbox.$push.outbox.$each,
      outboxPending: true,
    } as never);
  }

  async countAttempt(id: string, maxAttempts: number): Promise<boolean> {
    const res = await this.model.updateOne({ _id: id, usedAt: { $exists: false }, attempts: { $lt: maxAttempts } }, { $inc: { attempts: 1 } });
    return res.modifiedCount === 1;
  }

  async consume(id: string, now: Date): Promise<boolean> {
    const res = await this.model.updateOne({ _id: id, usedAt: { $exists: false } }, { $set: { usedAt: now } });
    return res.modifiedCount === 1;
  }
}

/** The number's blind index, the code's keyed hash and the event's sealed fields, with the platform's key. */
export const mobileCodeCrypto = (cipher: PiiCipher): MobileCodeCrypto => ({
  mobileIndex: (mobile) => cipher.blindIndex(mobile, 'mobile_code_number'),
  codeHash: (codeId, code) => cipher.blindIndex(`${codeId}\n${code}`, 'mobile_code'),
  seal: (codeId, mobile, code) => ({
    mobileSealed: cipher.sealString(mobile, `mobile-code:${codeId}:mobile`),
    codeSealed: cipher.sealString(code, `mobile-code:${codeId}:code`),
  }),
});
