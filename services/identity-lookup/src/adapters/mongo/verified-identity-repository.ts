import mongoose from 'mongoose';
import { bytesOf, DocumentLocks } from '@kyc/mongo-kit';
import { PiiCipher } from '@kyc/pii-crypto';
import { SaveOutcome, VerifiedIdentityStore } from '../../application/verified-identities';
import { DocumentType, VerifiedIdentity } from '../../domain/verified-identity';
import { saveHeldRecord } from './held-record';

/**
 * One document per (partner, subject): the subject's current verified identity. Every personal
 * field is sealed on its own (birth date, gender and region together would give away most of the
 * ID number, so they are sealed too); the ID number also has a blind index scoped to the partner,
 * so the same person at two partners cannot be linked through the index. Photo ids, the method and
 * the verification id stay plain: they are opaque references that say nothing about the person,
 * and the photos themselves are encrypted and access-controlled by photo-storage. The document type
 * is sealed too (a passport says "probably not a citizen"); a passport number's blind index has its
 * own namespace, so it can never be taken for a resident ID number.
 */
const verifiedIdentitySchema = new mongoose.Schema(
  {
    partnerId: { type: String, required: true },
    subjectId: { type: String, required: true },
    idNumberKey: { type: String, required: true },
    nameSealed: { type: Buffer, required: true },
    idNumberSealed: { type: Buffer, required: true },
    birthDateSealed: { type: Buffer, required: true },
    genderSealed: { type: Buffer, required: true },
    regionCodeSealed: { type: Buffer, required: true },
    addressSealed: { type: Buffer, required: true },
    documentValidFromSealed: { type: Buffer },
    documentValidToSealed: { type: Buffer },
    documentTypeSealed: { type: Buffer },
    nationalitySealed: { type: Buffer },
    cardFrontPhotoId: { type: String, default: '' },
    cardBackPhotoId: { type: String, default: '' },
    method: { type: String, required: true },
    verificationId: { type: String, required: true },
    verifiedAt: { type: Date, required: true },
  },
  { collection: 'verified_identities', timestamps: true, versionKey: false },
);
// One current identity per subject, and an ID number verified by at most one subject per partner:
// unique inserts are atomic on MongoDB and FerretDB alike, so these indexes settle races.
verifiedIdentitySchema.index({ partnerId: 1, subjectId: 1 }, { unique: true });
verifiedIdentitySchema.index({ partnerId: 1, idNumberKey: 1 }, { unique: true });

/** Records from before document types were stored are resident ID cards. */
const documentTypeOf = (stored: string): DocumentType => (stored === 'passport' || stored === 'roster-member' ? stored : 'resident-id-card');

type VerifiedIdentityDoc = mongoose.InferSchemaType<typeof verifiedIdentitySchema>;

const SEALED_FIELDS = ['name', 'idNumber', 'birthDate', 'gender', 'regionCode', 'address'] as const;
const OPTIONAL_SEALED_FIELDS = ['documentValidFrom', 'documentValidTo', 'documentType', 'nationality'] as const;
type SealedField = (typeof SEALED_FIELDS)[number] | (typeof OPTIONAL_SEALED_FIELDS)[number];

export class VerifiedIdentityRepository implements VerifiedIdentityStore {
  readonly model: mongoose.Model<VerifiedIdentityDoc>;
  private readonly locks = new DocumentLocks();

  constructor(
    conn: mongoose.Connection,
    private readonly cipher: PiiCipher,
  ) {
    this.model = conn.model<VerifiedIdentityDoc>('VerifiedIdentity', verifiedIdentitySchema);
  }

  /** Binds a sealed value to its record and field, so a value copied elsewhere fails to open. */
  private static context(partnerId: string, subjectId: string, field: SealedField): string {
    return JSON.stringify(['verified-identity', partnerId, subjectId, field]);
  }

  private idNumberKey(partnerId: string, idNumber: string, documentType: DocumentType = 'resident-id-card'): string {
    const scope = { 'resident-id-card': 'id-number', passport: 'passport-number', 'roster-member': 'roster-member' }[documentType];
    return this.cipher.blindIndex(idNumber, `verified-identity:${scope}:${partnerId}`);
  }

  serializeSubject<T>(partnerId: string, subjectId: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(JSON.stringify([partnerId, subjectId]), fn);
  }

  async findBySubject(partnerId: string, subjectId: string): Promise<VerifiedIdentity | undefined> {
    const doc = await this.model.findOne({ partnerId, subjectId }).lean();
    return doc ? this.open(doc) : undefined;
  }

  /** A document number: by default a resident ID or passport number (their shapes rarely overlap), or a roster member id. */
  async findByIdNumber(partnerId: string, idNumber: string, documentType?: DocumentType): Promise<VerifiedIdentity | undefined> {
    const types: DocumentType[] = documentType === 'roster-member' ? ['roster-member'] : ['resident-id-card', 'passport'];
    const keys = types.map((type) => this.idNumberKey(partnerId, idNumber, type));
    const doc = await this.model.findOne({ partnerId, idNumberKey: { $in: keys } }).lean();
    return doc ? this.open(doc) : undefined;
  }

  async subjectHoldingIdNumber(partnerId: string, idNumber: string, documentType?: DocumentType): Promise<string | undefined> {
    const doc = await this.model.findOne({ partnerId, idNumberKey: this.idNumberKey(partnerId, idNumber, documentType) }, { subjectId: 1 }).lean();
    return doc?.subjectId;
  }

  async save(identity: VerifiedIdentity): Promise<SaveOutcome> {
    const { partnerId, subjectId } = identity;
    const replacement = this.sealed(identity);
    return saveHeldRecord(
      subjectId,
      () => this.model.replaceOne({ partnerId, subjectId }, replacement, { upsert: true }),
      () => this.subjectHoldingIdNumber(partnerId, identity.idNumber, identity.documentType),
    );
  }

  async transfer(partnerId: string, fromSubjectId: string, toSubjectId: string): Promise<boolean> {
    return this.serializeSubject(partnerId, fromSubjectId, async () => {
      const doc = await this.model.findOne({ partnerId, subjectId: fromSubjectId }).lean();
      if (!doc) return false;
      // Sealed values are bound to their record: re-sealed for the new holder, in the same update.
      const moved = this.sealed({ ...this.open(doc), subjectId: toSubjectId });
      // The record the new holder had of its own is superseded by the one it inherits.
      await this.model.deleteOne({ partnerId, subjectId: toSubjectId });
      const res = await this.model.updateOne({ _id: doc._id, partnerId, subjectId: fromSubjectId }, { $set: moved });
      return res.modifiedCount > 0;
    });
  }

  async deleteSubject(partnerId: string, subjectId: string): Promise<boolean> {
    return this.serializeSubject(partnerId, subjectId, async () => {
      const res = await this.model.deleteOne({ partnerId, subjectId });
      return res.deletedCount > 0;
    });
  }

  private sealed(identity: VerifiedIdentity): Record<string, unknown> {
    const { partnerId, subjectId } = identity;
    const doc: Record<string, unknown> = {
      partnerId,
      subjectId,
      idNumberKey: this.idNumberKey(partnerId, identity.idNumber, identity.documentType),
      cardFrontPhotoId: identity.cardFrontPhotoId,
      cardBackPhotoId: identity.cardBackPhotoId,
      method: identity.method,
      verificationId: identity.verificationId,
      verifiedAt: identity.verifiedAt,
    };
    for (const field of SEALED_FIELDS) {
      doc[`${field}Sealed`] = this.cipher.sealString(identity[field], VerifiedIdentityRepository.context(partnerId, subjectId, field));
    }
    for (const field of OPTIONAL_SEALED_FIELDS) {
      if (identity[field]) {
        doc[`${field}Sealed`] = this.cipher.sealString(identity[field], VerifiedIdentityRepository.context(partnerId, subjectId, field));
      }
    }
    return doc;
  }

  private open(doc: Record<string, unknown>): VerifiedIdentity {
    const partnerId = doc.partnerId as string;
    const subjectId = doc.subjectId as string;
    const opened = (field: SealedField): string => {
      const value = doc[`${field}Sealed`];
      return value === undefined || value === null
        ? ''
        : this.cipher.openString(bytesOf(value), VerifiedIdentityRepository.context(partnerId, subjectId, field));
    };
    return {
      partnerId,
      subjectId,
      name: opened('name'),
      idNumber: opened('idNumber'),
      birthDate: opened('birthDate'),
      gender: ({ M: 'M', F: 'F' } as const)[opened('gender')] ?? '',
      regionCode: opened('regionCode'),
      address: opened('address'),
      documentType: documentTypeOf(opened('documentType')),
      nationality: opened('nationality'),
      documentValidFrom: opened('documentValidFrom'),
      documentValidTo: opened('documentValidTo'),
      cardFrontPhotoId: (doc.cardFrontPhotoId as string | undefined) ?? '',
      cardBackPhotoId: (doc.cardBackPhotoId as string | undefined) ?? '',
      method: doc.method as string,
      verificationId: doc.verificationId as string,
      verifiedAt: new Date(doc.verifiedAt as Date),
    };
  }
}
