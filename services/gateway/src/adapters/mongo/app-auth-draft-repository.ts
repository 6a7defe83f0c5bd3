import mongoose from 'mongoose';
import { bytesOf } from '@kyc/mongo-kit';
import { PiiCipher } from '@kyc/pii-crypto';
import { AppAuthDraftsPort, AppAuthInfo } from '../../application/ports';

/**
 * Seed 001's step-1 information, one document per subject: everything in it is personal data
 * (name, document number, birth date, ...), so it is one sealed JSON value bound to its subject.
 * The later steps' photos are photo-storage's; the submitted round is realname-pattern's.
 */
const draftSchema = new mongoose.Schema(
  {
    _id: { type: String },
    partnerId: { type: String, required: true },
    infoSealed: { type: Buffer, required: true },
  },
  { collection: 'app_auth_drafts', timestamps: true, versionKey: false },
);

const sealContext = (subjectId: string) => `app-auth:${subjectId}:info`;

export class AppAuthDraftRepository implements AppAuthDraftsPort {
  readonly model: mongoose.Model<mongoose.InferSchemaType<typeof draftSchema>>;

  constructor(
    conn: mongoose.Connection,
    private readonly cipher: PiiCipher,
  ) {
    this.model = conn.model('AppAuthDraft', draftSchema);
  }

  async find(subjectId: string): Promise<{ info: AppAuthInfo; updatedAt: Date } | undefined> {
    const doc = await this.model.findById(subjectId).lean<{ infoSealed: unknown; updatedAt: Date }>();
    if (!doc) return undefined;
    return { info: JSON.parse(this.cipher.openString(bytesOf(doc.infoSealed), sealContext(subjectId))) as AppAuthInfo, updatedAt: doc.updatedAt };
  }

  /** Replaces the subject's step-1 information (one single-document upsert). */
  async save(subjectId: string, partnerId: string, info: AppAuthInfo): Promise<void> {
    await this.model.updateOne(
      { _id: subjectId },
      { $set: { partnerId, infoSealed: this.cipher.sealString(JSON.stringify(info), sealContext(subjectId)) } },
      { upsert: true },
    );
  }
}
