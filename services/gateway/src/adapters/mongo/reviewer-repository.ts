import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import mongoose from 'mongoose';

/**
 * Registry of the people who review cases. Reviewers authenticate with a bearer token that an
 * operator creates with `kyc reviewer create`; the token is shown once and only its SHA-256 is
 * stored, so a copy of this collection does not let anyone act as a reviewer. (A fast hash is
 * right here: the token is 256 random bits, not a password that could be guessed.)
 *
 * Token format: "<reviewer id>.<secret>", e.g. "rv_0123456789abcdef.Q3...". The id part lets the
 * gateway fetch the one candidate record by primary key and compare hashes in constant time,
 * instead of looking a secret-derived value up in an index.
 */
const reviewerSchema = new mongoose.Schema(
  {
    _id: { type: String }, // reviewer id, "rv_" + 16 hex
    name: { type: String, required: true },
    /** SHA-256 (hex) of the whole bearer token. */
    tokenHash: { type: String, required: true },
    active: { type: Boolean, default: true },
    tokenIssuedAt: { type: Date, required: true },
  },
  { collection: 'reviewers', timestamps: true, versionKey: false },
);

export type ReviewerDoc = mongoose.InferSchemaType<typeof reviewerSchema> & { _id: string };

export interface Reviewer {
  id: string;
  name: string;
  active: boolean;
  createdAt?: Date;
}

const REVIEWER_ID = /^rv_[0-9a-f]{16}$/;
const TOKEN = /^(rv_[0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

export const newReviewerId = () => `rv_${randomBytes(8).toString('hex')}`;
export const newReviewerToken = (reviewerId: string) => `${reviewerId}.${randomBytes(32).toString('base64url')}`;
export const hashReviewerToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
export const isReviewerId = (id: string) => REVIEWER_ID.test(id);

/** The reviewer id a well-formed token names; undefined for anything else. */
export function reviewerIdOfToken(token: string): string | undefined {
  return TOKEN.exec(token)?.[1];
}

/** Constant-time comparison of a presented token with a stored hash. */
export function tokenMatchesHash(token: string, storedHashHex: string): boolean {
  const presented = createHash('sha256').update(token, 'utf8').digest();
  const stored = Buffer.from(storedHashHex, 'hex');
  return stored.length === presented.length && timingSafeEqual(stored, presented);
}

/** Compared against when no reviewer matches, so both outcomes cost the same hashing work. */
const NO_MATCH_HASH = hashReviewerToken(`rv_0000000000000000.${'A'.repeat(43)}`);

export class ReviewerRepository {
  readonly model: mongoose.Model<ReviewerDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = conn.model<ReviewerDoc>('Reviewer', reviewerSchema);
  }

  /** Registers a reviewer; the token is returned this once and never stored. */
  async create(name: string): Promise<{ reviewer: Reviewer; token: string }> {
    const trimmed = name.trim();
    if (!trimmed) throw new Error('a reviewer needs a name');
    const id = newReviewerId();
    const token = newReviewerToken(id);
    await this.model.create({ _id: id, name: trimmed, tokenHash: hashReviewerToken(token), tokenIssuedAt: new Date() });
    return { reviewer: { id, name: trimmed, active: true }, token };
  }

  /** Issues a new token; the old one stops working at once. */
  async rotateToken(id: string): Promise<string | undefined> {
    if (!isReviewerId(id)) return undefined;
    const token = newReviewerToken(id);
    const res = await this.model.updateOne({ _id: id }, { $set: { tokenHash: hashReviewerToken(token), tokenIssuedAt: new Date() } });
    return res.matchedCount === 1 ? token : undefined;
  }

  /** Disables (or re-enables) a reviewer; a disabled reviewer's token is refused. */
  async setActive(id: string, active: boolean): Promise<boolean> {
    if (!isReviewerId(id)) return false;
    const res = await this.model.updateOne({ _id: id }, { $set: { active } });
    return res.matchedCount === 1;
  }

  async list(): Promise<Reviewer[]> {
    const docs = await this.model.find({}, { name: 1, active: 1, createdAt: 1 }).sort({ createdAt: 1 }).lean();
    return docs.map((d) => ({ id: d._id, name: d.name, active: d.active ?? true, createdAt: d.createdAt }));
  }

  /** The active reviewer a bearer token belongs to, or undefined. */
  async authenticate(token: string): Promise<Reviewer | undefined> {
    const id = reviewerIdOfToken(token);
    const doc = id ? await this.model.findById(id, { name: 1, tokenHash: 1, active: 1 }).lean() : null;
    const matches = tokenMatchesHash(token, doc?.tokenHash ?? NO_MATCH_HASH);
    if (!doc || !matches || doc.active === false) return undefined;
    return { id: doc._id, name: doc.name, active: true };
  }
}
