import { timingSafeEqual } from 'node:crypto';
import mongoose from 'mongoose';
import { bytesOf } from '@kyc/mongo-kit';
import { PiiCipher } from '@kyc/pii-crypto';
import { canonicalJson } from '../../application/campus-merges';
import { MergeAttempt } from '../../application/ports';

/**
 * Seed 003's 409 attempts, one per (partner, user): the latest replaces the previous one; expired
 * ones are swept by the gateway (FerretDB v1 has no TTL indexes) and never count. The attempt's authInfo is personal data: only its
 * keyed fingerprint (an HMAC under the master key, scoped to the partner and user) is kept, so a
 * database leak cannot test guesses of it; who holds the information and the pattern are sealed.
 */
const mergeAttemptSchema = new mongoose.Schema(
  {
    partnerId: { type: String, required: true },
    subjectId: { type: String, required: true },
    authInfoFingerprint: { type: String, required: true },
    attemptSealed: { type: Buffer, required: true },
    expiresAt: { type: Date, required: true },
    // The rnAuthTicket of the MERGE started from this attempt: a replay answers that verification.
    mergeTicket: { type: String },
  },
  { collection: 'merge_attempts', timestamps: true, versionKey: false },
);
mergeAttemptSchema.index({ partnerId: 1, subjectId: 1 }, { unique: true });
mergeAttemptSchema.index({ expiresAt: 1 });

type MergeAttemptDoc = mongoose.InferSchemaType<typeof mergeAttemptSchema>;

const attemptContext = (partnerId: string, subjectId: string) => JSON.stringify(['merge-attempt', partnerId, subjectId]);

export class MergeAttemptRepository {
  readonly model: mongoose.Model<MergeAttemptDoc>;
  private sweeper?: NodeJS.Timeout;

  constructor(
    conn: mongoose.Connection,
    private readonly cipher: PiiCipher,
  ) {
    this.model = conn.model<MergeAttemptDoc>('MergeAttempt', mergeAttemptSchema);
  }

  /** The keyed fingerprint of an authInfo, as kept and as a MERGE's authInfo is compared with. */
  fingerprint(partnerId: string, subjectId: string, authInfo: unknown): string {
    return this.cipher.blindIndex(canonicalJson(authInfo), `merge-attempt:auth-info:${partnerId}:${subjectId}`);
  }

  async keepAttempt(attempt: MergeAttempt): Promise<void> {
    const { partnerId, subjectId } = attempt;
    await this.model.replaceOne(
      { partnerId, subjectId },
      {
        partnerId,
        subjectId,
        authInfoFingerprint: this.fingerprint(partnerId, subjectId, attempt.authInfo),
        attemptSealed: this.cipher.sealString(JSON.stringify({ holderSubjectId: attempt.holderSubjectId, pattern: attempt.pattern }), attemptContext(partnerId, subjectId)),
        expiresAt: attempt.expiresAt,
      },
      { upsert: true },
    );
  }

  async findAttempt(partnerId: string, subjectId: string, authInfo?: unknown) {
    const doc = await this.model.findOne({ partnerId, subjectId, expiresAt: { $gt: new Date() } }).lean();
    if (!doc) return undefined;
    const { holderSubjectId } = JSON.parse(this.cipher.openString(bytesOf(doc.attemptSealed), attemptContext(partnerId, subjectId))) as { holderSubjectId: string };
    const given = authInfo === undefined ? '' : this.fingerprint(partnerId, subjectId, authInfo);
    const authInfoMatches = given.length === doc.authInfoFingerprint.length && timingSafeEqual(Buffer.from(given), Buffer.from(doc.authInfoFingerprint));
    return { holderSubjectId, authInfoMatches, mergeTicket: doc.mergeTicket ?? undefined };
  }

  async recordMerge(partnerId: string, subjectId: string, ticket: string): Promise<void> {
    await this.model.updateOne({ partnerId, subjectId }, { $set: { mergeTicket: ticket } });
  }

  startSweeper(intervalMs = 60_000): void {
    this.sweeper = setInterval(() => void this.model.deleteMany({ expiresAt: { $lt: new Date() } }).catch(() => undefined), intervalMs);
    this.sweeper.unref();
  }

  stopSweeper(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }
}
