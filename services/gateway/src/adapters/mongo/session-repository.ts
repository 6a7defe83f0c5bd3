import { createHash, randomBytes, randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { Counter, isDuplicateKeyError } from '@kyc/mongo-kit';
import { PiiCipher } from '@kyc/pii-crypto';

/**
 * Subjects are end users as seen by one partner: (partner, partner's user id) -> subject id.
 * The partner's user id may itself be personal data (seed 000 shows an ID number used as one),
 * so only its blind index is stored.
 */
const subjectSchema = new mongoose.Schema(
  {
    _id: { type: String },
    uid: { type: Number, required: true },
    partnerId: { type: String, required: true },
    partnerUserKey: { type: String, required: true, unique: true },
  },
  { collection: 'subjects', timestamps: true, versionKey: false },
);

/** Sessions are stored by the SHA-256 of the user_sid: a database leak yields no usable sids. */
const sessionSchema = new mongoose.Schema(
  {
    _id: { type: String },
    subjectId: { type: String, required: true },
    uid: { type: Number, required: true },
    partnerId: { type: String, required: true },
    expiresAt: { type: Date, required: true, index: true },
  },
  { collection: 'sessions', timestamps: true, versionKey: false },
);

/** Nonces seen in signed requests, kept until they could no longer pass the timestamp check. */
const nonceSchema = new mongoose.Schema(
  { _id: { type: String }, expiresAt: { type: Date, required: true, index: true } },
  { collection: 'nonces', versionKey: false },
);

export interface Session {
  subjectId: string;
  uid: number;
  partnerId: string;
  expiresAt: Date;
}

const hashSid = (sid: string) => createHash('sha256').update(sid).digest('hex');

export class SessionRepository {
  readonly subjects: mongoose.Model<mongoose.InferSchemaType<typeof subjectSchema>>;
  readonly sessions: mongoose.Model<mongoose.InferSchemaType<typeof sessionSchema>>;
  readonly nonces: mongoose.Model<mongoose.InferSchemaType<typeof nonceSchema>>;
  private readonly counter: Counter;
  private sweeper?: NodeJS.Timeout;

  constructor(
    conn: mongoose.Connection,
    private readonly cipher: PiiCipher,
  ) {
    this.subjects = conn.model('Subject', subjectSchema);
    this.sessions = conn.model('Session', sessionSchema);
    this.nonces = conn.model('Nonce', nonceSchema);
    this.counter = new Counter(conn);
  }

  /** The subject for a partner's user, created on first sight. */
  async subjectFor(partnerId: string, partnerUserId: string): Promise<{ subjectId: string; uid: number }> {
    const partnerUserKey = this.cipher.blindIndex(`${partnerId}\u0000${partnerUserId}`, 'partner-user');
    for (let attempt = 0; attempt < 3; attempt++) {
      const found = await this.subjects.findOne({ partnerUserKey }).lean<{ _id: string; uid: number }>();
      if (found) return { subjectId: found._id, uid: found.uid };
      try {
        const doc = await this.subjects.create({ _id: randomUUID(), uid: await this.counter.next('subject_uid'), partnerId, partnerUserKey });
        return { subjectId: String(doc._id), uid: doc.uid };
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err; // a concurrent first sight won; read it
      }
    }
    throw new Error('could not create subject');
  }

  async mint(partnerId: string, partnerUserId: string, ttlSeconds: number): Promise<{ sid: string; session: Session }> {
    const { subjectId, uid } = await this.subjectFor(partnerId, partnerUserId);
    const sid = randomBytes(24).toString('base64url');
    const session = { subjectId, uid, partnerId, expiresAt: new Date(Date.now() + ttlSeconds * 1000) };
    await this.sessions.create({ _id: hashSid(sid), ...session });
    return { sid, session };
  }

  /** The live session for a user_sid, or undefined when unknown or expired. */
  async resolve(sid: unknown): Promise<Session | undefined> {
    if (typeof sid !== 'string' || sid === '' || sid.length > 200) return undefined;
    const doc = await this.sessions.findById(hashSid(sid)).lean<Session>();
    if (!doc || doc.expiresAt.getTime() <= Date.now()) return undefined;
    return { subjectId: doc.subjectId, uid: doc.uid, partnerId: doc.partnerId, expiresAt: doc.expiresAt };
  }

  /** Records a nonce; false when it was already used (a replay). Atomic through the unique _id. */
  async claimNonce(appId: string, nonce: string, keepSeconds: number): Promise<boolean> {
    try {
      await this.nonces.create({ _id: `${appId}:${nonce}`, expiresAt: new Date(Date.now() + keepSeconds * 1000) });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /** Expiry by explicit sweeps: FerretDB v1 has no TTL indexes. */
  startSweeper(intervalMs = 60_000): void {
    const sweep = async () => {
      const now = new Date();
      await this.sessions.deleteMany({ expiresAt: { $lt: now } });
      await this.nonces.deleteMany({ expiresAt: { $lt: now } });
    };
    this.sweeper = setInterval(() => void sweep().catch(() => undefined), intervalMs);
    this.sweeper.unref();
  }

  stopSweeper(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }
}
