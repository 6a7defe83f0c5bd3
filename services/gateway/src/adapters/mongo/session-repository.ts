import { createHash, randomBytes, randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { bytesOf, Counter, isDuplicateKeyError } from '@kyc/mongo-kit';
import { PiiCipher } from '@kyc/pii-crypto';
import { NoncesPort, SessionsPort, SubjectRef, SubjectsPort } from '../../application/ports';

/**
 * Subjects are end users as seen by one partner: (partner, partner's user id) -> subject id.
 * The partner's user id may itself be personal data (seed 000 shows an ID number used as one),
 * so it is stored sealed (for answers that must show it back, seed 004) and looked up by its
 * blind index.
 */
const subjectSchema = new mongoose.Schema(
  {
    _id: { type: String },
    uid: { type: Number, required: true },
    partnerId: { type: String, required: true },
    partnerUserKey: { type: String, required: true, unique: true },
    // Absent on subjects created before it was kept; filled in on their next sight.
    partnerUserIdSealed: { type: Buffer },
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

const partnerUserIdContext = (subjectId: string) => `subject:${subjectId}:partner-user-id`;

export class SessionRepository implements SubjectsPort, SessionsPort, NoncesPort {
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

  private partnerUserKeyOf(partnerId: string, partnerUserId: string): string {
    return this.cipher.blindIndex(`${partnerId}\u0000${partnerUserId}`, 'partner-user');
  }

  /** The subject for a partner's user, created on first sight. */
  async subjectFor(partnerId: string, partnerUserId: string): Promise<SubjectRef> {
    const partnerUserKey = this.partnerUserKeyOf(partnerId, partnerUserId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const found = await this.subjects.findOne({ partnerUserKey }).lean<{ _id: string; uid: number; partnerUserIdSealed?: unknown }>();
      if (found) {
        if (!found.partnerUserIdSealed) {
          await this.subjects.updateOne({ _id: found._id }, { $set: { partnerUserIdSealed: this.cipher.sealString(partnerUserId, partnerUserIdContext(found._id)) } });
        }
        return { subjectId: found._id, uid: found.uid, partnerId };
      }
      try {
        const subjectId = randomUUID();
        const doc = await this.subjects.create({
          _id: subjectId,
          uid: await this.counter.next('subject_uid'),
          partnerId,
          partnerUserKey,
          partnerUserIdSealed: this.cipher.sealString(partnerUserId, partnerUserIdContext(subjectId)),
        });
        return { subjectId, uid: doc.uid, partnerId };
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err; // a concurrent first sight won; read it
      }
    }
    throw new Error('could not create subject');
  }

  async findSubject(partnerId: string, partnerUserId: string): Promise<SubjectRef | undefined> {
    const found = await this.subjects.findOne({ partnerUserKey: this.partnerUserKeyOf(partnerId, partnerUserId) }).lean<{ _id: string; uid: number }>();
    return found ? { subjectId: found._id, uid: found.uid, partnerId } : undefined;
  }

  async partnerUserIdOf(subjectId: string): Promise<string | undefined> {
    const found = await this.subjects.findById(subjectId).lean<{ partnerUserIdSealed?: unknown }>();
    if (!found?.partnerUserIdSealed) return undefined;
    return this.cipher.openString(bytesOf(found.partnerUserIdSealed as Buffer), partnerUserIdContext(subjectId));
  }

  async uidOf(subjectId: string): Promise<number | undefined> {
    const found = await this.subjects.findById(subjectId, { uid: 1 }).lean<{ uid: number }>();
    return found?.uid;
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
  async claim(appId: string, nonce: string, keepSeconds: number): Promise<boolean> {
    try {
      // The driver's insert, not a mongoose document: it runs on every signed request.
      await this.nonces.collection.insertOne({ _id: `${appId}:${nonce}`, expiresAt: new Date(Date.now() + keepSeconds * 1000) } as never);
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
