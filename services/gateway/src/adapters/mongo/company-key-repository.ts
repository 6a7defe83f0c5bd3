import mongoose from 'mongoose';
import { parseCompanyPublicKey, publicKeyFingerprint, publicKeyPem } from '../../domain/alipay-signature';

/**
 * Seed 004 companies' RSA public keys (collection company_keys), one per company: the company id
 * is the partner's app_id. Public keys are not secret, so they are stored in clear; registering
 * again replaces the key (rotation), and the old key stops verifying at once.
 */
const companyKeySchema = new mongoose.Schema(
  {
    _id: { type: String }, // companyId = partner app_id
    publicKeyPem: { type: String, required: true },
    fingerprint: { type: String, required: true },
    registeredAt: { type: Date, required: true },
  },
  { collection: 'company_keys', versionKey: false },
);

export type CompanyKeyDoc = mongoose.InferSchemaType<typeof companyKeySchema> & { _id: string };

/** Seed 004 writes companyId as a number of up to 11 digits; the platform's app ids are longer digit strings. */
export const isCompanyId = (value: string): boolean => /^\d{1,20}$/.test(value);

/**
 * The record to store for a key as an operator supplied it (PEM or bare base64): normalised to
 * SPKI PEM, with its fingerprint. Throws InvalidPublicKeyError when the key is unusable.
 */
export function companyKeyRecord(publicKeyText: string): { publicKeyPem: string; fingerprint: string } {
  const key = parseCompanyPublicKey(publicKeyText);
  return { publicKeyPem: publicKeyPem(key), fingerprint: publicKeyFingerprint(key) };
}

export class CompanyKeyRepository {
  readonly model: mongoose.Model<CompanyKeyDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = conn.model<CompanyKeyDoc>('CompanyKey', companyKeySchema);
  }

  /** Registers (or replaces) a company's key; resolves to the stored fingerprint. */
  async register(companyId: string, publicKeyText: string, now = new Date()): Promise<{ companyId: string; fingerprint: string }> {
    if (!isCompanyId(companyId)) throw new Error('company id must be digits');
    const record = companyKeyRecord(publicKeyText);
    await this.model.updateOne({ _id: companyId }, { $set: { ...record, registeredAt: now } }, { upsert: true });
    return { companyId, fingerprint: record.fingerprint };
  }

  /** The company's public key as SPKI PEM, undefined when none is registered. */
  async publicKeyOf(companyId: string): Promise<string | undefined> {
    if (!isCompanyId(companyId)) return undefined;
    const doc = await this.model.findById(companyId, { publicKeyPem: 1 }).lean();
    return doc?.publicKeyPem;
  }
}
