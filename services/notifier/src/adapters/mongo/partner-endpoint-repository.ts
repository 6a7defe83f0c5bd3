import { LRUCache } from 'lru-cache';
import mongoose from 'mongoose';
import { bytesOf, isDuplicateKeyError } from '@kyc/mongo-kit';
import { PiiCipher } from '@kyc/pii-crypto';
import { PartnerEndpoint, PartnerEndpointStore, PartnerSecrets, PartnerSettings } from '../../application/ports';
import { CallbackFormat } from '../../domain/callback';

/**
 * `partner_endpoints`: the notifier's copy of each partner's callback settings, from
 * PartnerSettingsChanged (the gateway owns the registry). Secrets stay sealed as received and
 * are opened only to sign one callback. `goneUrl` remembers an endpoint that answered 410
 * until the next settings change.
 *
 * Every callback attempt needs its partner's settings and secrets: a document read is kept for
 * `cacheMs` (CALLBACK_SETTINGS_CACHE_MS), and dropped at once when this process writes it. That is
 * the bound on how late another notifier replica sees a settings change.
 */
const endpointSchema = new mongoose.Schema(
  {
    _id: { type: String },
    active: { type: Boolean, required: true },
    callbackUrl: { type: String, default: '' },
    format: { type: String, required: true },
    version: { type: Number, required: true },
    sealedSecrets: { type: Buffer, required: true },
    goneUrl: { type: String },
    updatedAt: { type: Date },
  },
  { collection: 'partner_endpoints', versionKey: false },
);

type EndpointDoc = mongoose.InferSchemaType<typeof endpointSchema> & { _id: string };

export const callbackSecretsContext = (partnerId: string) => `partner:${partnerId}:callback-secrets`;

export class PartnerEndpointRepository implements PartnerEndpointStore {
  readonly model: mongoose.Model<EndpointDoc>;

  private readonly cache?: LRUCache<string, EndpointDoc>;

  constructor(
    conn: mongoose.Connection,
    private readonly cipher: PiiCipher,
    cacheMs = 0,
  ) {
    this.model = conn.model<EndpointDoc>('PartnerEndpoint', endpointSchema);
    if (cacheMs > 0) {
      this.cache = new LRUCache<string, EndpointDoc>({
        max: 10_000,
        ttl: cacheMs,
        // Misses are not cached: a partner's first settings must work at once.
        fetchMethod: (partnerId) => this.read(partnerId),
      });
    }
  }

  private async read(partnerId: string): Promise<EndpointDoc | undefined> {
    return ((await this.model.collection.findOne({ _id: partnerId } as never)) as EndpointDoc | null) ?? undefined;
  }

  private load(partnerId: string): Promise<EndpointDoc | undefined> {
    return this.cache ? this.cache.fetch(partnerId) : this.read(partnerId);
  }

  private async write<T>(partnerId: string, change: () => Promise<T>): Promise<T> {
    try {
      return await change();
    } finally {
      this.cache?.delete(partnerId);
    }
  }

  async apply(s: PartnerSettings): Promise<boolean> {
    try {
      // Matches only an older version; with none, the upsert's insert collides on _id: "not newer".
      const res = await this.write(s.partnerId, () => this.model.collection.updateOne(
        { _id: s.partnerId, version: { $lt: s.version } } as never,
        {
          $set: { active: s.active, callbackUrl: s.callbackUrl, format: s.format, version: s.version, sealedSecrets: Buffer.from(s.sealedSecrets), updatedAt: new Date() },
          $unset: { goneUrl: '' },
        },
        { upsert: true },
      ));
      return res.modifiedCount + res.upsertedCount > 0;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async find(partnerId: string): Promise<PartnerEndpoint | undefined> {
    const d = await this.load(partnerId);
    if (!d) return undefined;
    return {
      partnerId,
      active: d.active as boolean,
      callbackUrl: (d.callbackUrl as string) ?? '',
      format: d.format as CallbackFormat,
      version: d.version as number,
      goneUrl: (d.goneUrl as string | undefined) ?? undefined,
    };
  }

  async secrets(partnerId: string): Promise<PartnerSecrets | undefined> {
    const d = await this.load(partnerId);
    if (!d?.sealedSecrets) return undefined;
    const parsed = JSON.parse(this.cipher.openString(bytesOf(d.sealedSecrets), callbackSecretsContext(partnerId))) as { app_secret?: string; webhook_secret?: string };
    return { appSecret: parsed.app_secret ?? '', webhookSecret: parsed.webhook_secret ?? '' };
  }

  async markGone(partnerId: string, url: string, version: number): Promise<void> {
    // Only while the settings that pointed at this URL are still the current ones.
    await this.write(partnerId, () => this.model.collection.updateOne({ _id: partnerId, version } as never, { $set: { goneUrl: url } }));
  }

  async clearGone(partnerId: string, url: string): Promise<void> {
    await this.write(partnerId, () => this.model.collection.updateOne({ _id: partnerId, goneUrl: url } as never, { $unset: { goneUrl: '' } }));
  }
}
