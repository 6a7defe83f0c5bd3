import { randomBytes, randomInt } from 'node:crypto';
import mongoose from 'mongoose';
import { bytesOf } from '@kyc/mongo-kit';
import { PiiCipher } from '@kyc/pii-crypto';

/**
 * Partner registry. The secret is needed in clear to verify HMAC signatures, so it cannot be
 * hashed: it is sealed with the master key instead and opened only to verify a request.
 */
const partnerSchema = new mongoose.Schema(
  {
    _id: { type: String }, // app_id
    name: { type: String, required: true },
    secretSealed: { type: Buffer, required: true },
    callbackUrl: { type: String, default: '' },
    features: { type: [String], default: [] },
    active: { type: Boolean, default: true },
    secretRotatedAt: { type: Date },
  },
  { collection: 'partners', timestamps: true, versionKey: false },
);

export type PartnerDoc = mongoose.InferSchemaType<typeof partnerSchema> & { _id: string };

export interface Partner {
  appId: string;
  name: string;
  callbackUrl: string;
  features: string[];
  active: boolean;
}

/** Features a partner may be granted; each names a partner contract or capability. */
export const PARTNER_FEATURES = ['user-validate'] as const;

const secretContext = (appId: string) => `partner:${appId}:secret`;

export class PartnerRepository {
  readonly model: mongoose.Model<PartnerDoc>;

  constructor(
    conn: mongoose.Connection,
    private readonly cipher: PiiCipher,
  ) {
    this.model = conn.model<PartnerDoc>('Partner', partnerSchema);
  }

  /** Registers a partner and returns its credentials; the secret is shown this once. */
  async create(input: { name: string; callbackUrl?: string; features: string[] }): Promise<{ appId: string; secret: string }> {
    const now = new Date();
    const stamp = now.toISOString().replace(/\D/g, '').slice(0, 10); // yyyyMMddHH, like the seeds' app ids
    const appId = `${stamp}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
    const secret = randomBytes(32).toString('base64url');
    await this.model.create({
      _id: appId,
      name: input.name,
      secretSealed: this.cipher.sealString(secret, secretContext(appId)),
      callbackUrl: input.callbackUrl ?? '',
      features: input.features,
      secretRotatedAt: now,
    });
    return { appId, secret };
  }

  /** Replaces the secret; the old one stops working at once. */
  async rotateSecret(appId: string): Promise<string | undefined> {
    const secret = randomBytes(32).toString('base64url');
    const res = await this.model.updateOne(
      { _id: appId },
      { $set: { secretSealed: this.cipher.sealString(secret, secretContext(appId)), secretRotatedAt: new Date() } },
    );
    return res.matchedCount === 1 ? secret : undefined;
  }

  async find(appId: string): Promise<(Partner & { secret: () => string }) | undefined> {
    const doc = await this.model.findById(appId).lean();
    if (!doc) return undefined;
    return {
      appId: doc._id,
      name: doc.name,
      callbackUrl: doc.callbackUrl ?? '',
      features: doc.features ?? [],
      active: doc.active ?? true,
      secret: () => this.cipher.openString(bytesOf(doc.secretSealed), secretContext(appId)),
    };
  }
}
