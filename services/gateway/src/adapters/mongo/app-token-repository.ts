import { createHash, randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { AppTokensPort } from '../../application/ports';

/**
 * App access tokens (seed 003's result query): bearer credentials of a partner, not of a user.
 * Stored by their SHA-256, so a database leak yields no usable token; expiry is an explicit field
 * swept by the gateway (FerretDB v1 has no TTL indexes).
 */
const appTokenSchema = new mongoose.Schema(
  {
    _id: { type: String },
    partnerId: { type: String, required: true },
    expiresAt: { type: Date, required: true, index: true },
  },
  { collection: 'app_tokens', timestamps: true, versionKey: false },
);

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export class AppTokenRepository implements AppTokensPort {
  readonly model: mongoose.Model<mongoose.InferSchemaType<typeof appTokenSchema>>;
  private sweeper?: NodeJS.Timeout;

  constructor(conn: mongoose.Connection) {
    this.model = conn.model('AppToken', appTokenSchema);
  }

  async mint(partnerId: string, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    await this.model.create({ _id: hashToken(token), partnerId, expiresAt });
    return { token, expiresAt };
  }

  async resolve(token: unknown): Promise<{ partnerId: string; expiresAt: Date } | undefined> {
    if (typeof token !== 'string' || token === '' || token.length > 200) return undefined;
    const doc = await this.model.findById(hashToken(token)).lean<{ partnerId: string; expiresAt: Date }>();
    if (!doc || doc.expiresAt.getTime() <= Date.now()) return undefined;
    return { partnerId: doc.partnerId, expiresAt: doc.expiresAt };
  }

  startSweeper(intervalMs = 60_000): void {
    this.sweeper = setInterval(() => void this.model.deleteMany({ expiresAt: { $lt: new Date() } }).catch(() => undefined), intervalMs);
    this.sweeper.unref();
  }

  stopSweeper(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }
}
