import mongoose from 'mongoose';
import { bytesOf } from '@kyc/mongo-kit';
import { PiiCipher } from '@kyc/pii-crypto';
import { MobileSaveOutcome, VerifiedMobileStore } from '../../application/verified-mobiles';
import { VerifiedMobile } from '../../domain/verified-mobile';
import { saveHeldRecord } from './held-record';

/**
 * One document per (partner, subject): the subject's verified mobile, kept beside (not inside) the
 * verified identity because a MOBILE verification proves a number and no ID number. The number is
 * sealed, bound to its record, and has a blind index scoped to the partner; unique indexes settle
 * races: one number per subject, and a number held by one subject per partner.
 */
const verifiedMobileSchema = new mongoose.Schema(
  {
    partnerId: { type: String, required: true },
    subjectId: { type: String, required: true },
    mobileKey: { type: String, required: true },
    mobileSealed: { type: Buffer, required: true },
    method: { type: String, required: true },
    verificationId: { type: String, required: true },
    verifiedAt: { type: Date, required: true },
  },
  { collection: 'verified_mobiles', timestamps: true, versionKey: false },
);
verifiedMobileSchema.index({ partnerId: 1, subjectId: 1 }, { unique: true });
verifiedMobileSchema.index({ partnerId: 1, mobileKey: 1 }, { unique: true });

type VerifiedMobileDoc = mongoose.InferSchemaType<typeof verifiedMobileSchema>;

export class VerifiedMobileRepository implements VerifiedMobileStore {
  readonly model: mongoose.Model<VerifiedMobileDoc>;

  constructor(
    conn: mongoose.Connection,
    private readonly cipher: PiiCipher,
  ) {
    this.model = conn.model<VerifiedMobileDoc>('VerifiedMobile', verifiedMobileSchema);
  }

  /** Binds the sealed number to its record, so a value copied elsewhere fails to open. */
  private static context(partnerId: string, subjectId: string): string {
    return JSON.stringify(['verified-mobile', partnerId, subjectId, 'mobile']);
  }

  private mobileKey(partnerId: string, mobile: string): string {
    return this.cipher.blindIndex(mobile, `verified-mobile:mobile:${partnerId}`);
  }

  private opened(doc: { mobileSealed: unknown }, partnerId: string, subjectId: string): string {
    return this.cipher.openString(bytesOf(doc.mobileSealed), VerifiedMobileRepository.context(partnerId, subjectId));
  }

  async findBySubject(partnerId: string, subjectId: string): Promise<VerifiedMobile | undefined> {
    const doc = await this.model.findOne({ partnerId, subjectId }).lean();
    if (!doc) return undefined;
    return {
      partnerId,
      subjectId,
      mobile: this.opened(doc, partnerId, subjectId),
      method: doc.method,
      verificationId: doc.verificationId,
      verifiedAt: new Date(doc.verifiedAt),
    };
  }

  async subjectHoldingMobile(partnerId: string, mobile: string): Promise<string | undefined> {
    const doc = await this.model.findOne({ partnerId, mobileKey: this.mobileKey(partnerId, mobile) }, { subjectId: 1 }).lean();
    return doc?.subjectId;
  }

  async transfer(partnerId: string, fromSubjectId: string, toSubjectId: string): Promise<boolean> {
    const doc = await this.model.findOne({ partnerId, subjectId: fromSubjectId }).lean();
    if (!doc) return false;
    const mobileSealed = this.cipher.sealString(this.opened(doc, partnerId, fromSubjectId), VerifiedMobileRepository.context(partnerId, toSubjectId));
    // The number the new holder had of its own is superseded by the one it inherits.
    await this.model.deleteOne({ partnerId, subjectId: toSubjectId });
    const res = await this.model.updateOne({ _id: doc._id, partnerId, subjectId: fromSubjectId }, { $set: { subjectId: toSubjectId, mobileSealed } });
    return res.modifiedCount > 0;
  }

  async save(record: VerifiedMobile): Promise<MobileSaveOutcome> {
    const { partnerId, subjectId } = record;
    const replacement = {
      partnerId,
      subjectId,
      mobileKey: this.mobileKey(partnerId, record.mobile),
      mobileSealed: this.cipher.sealString(record.mobile, VerifiedMobileRepository.context(partnerId, subjectId)),
      method: record.method,
      verificationId: record.verificationId,
      verifiedAt: record.verifiedAt,
    };
    return saveHeldRecord(
      subjectId,
      () => this.model.replaceOne({ partnerId, subjectId }, replacement, { upsert: true }),
      () => this.subjectHoldingMobile(partnerId, record.mobile),
    );
  }
}
