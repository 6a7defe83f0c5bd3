import { randomBytes, randomInt } from 'node:crypto';
import mongoose from 'mongoose';
import { partner as partnerEvents } from '@kyc/contracts';
import { TOPICS } from '@kyc/kafka-bus';
import { bytesOf, outboxRecord, outboxSchemaFields, pushOutbox } from '@kyc/mongo-kit';
import { PiiCipher } from '@kyc/pii-crypto';
import { NO_MERGE_FEATURE } from '../../application/campus-merges';
import { PartnersPort, PartnerView } from '../../application/ports';

/**
 * Partner registry. The secret is needed in clear to verify HMAC signatures, so it cannot be
 * hashed: it is sealed with the master key instead and opened only to verify a request.
 *
 * The notifier signs callbacks with the partner's secrets and needs its callback settings without
 * calling the gateway: every change of them queues `kyc.partner.v1.PartnerSettingsChanged` in the
 * partner document's outbox, in the same update (the gateway's OutboxRelay publishes it), with
 * the secrets sealed for the notifier and a version that increments with each change.
 */
const partnerSchema = new mongoose.Schema(
  {
    _id: { type: String }, // app_id
    name: { type: String, required: true },
    secretSealed: { type: Buffer, required: true },
    // Standard Webhooks signing secret ("whsec_" + base64 of 32 random bytes), sealed.
    webhookSecretSealed: { type: Buffer },
    callbackUrl: { type: String, default: '' },
    features: { type: [String], default: [] },
    active: { type: Boolean, default: true },
    secretRotatedAt: { type: Date },
    settingsVersion: { type: Number, default: 0 },
    ...outboxSchemaFields,
  },
  { collection: 'partners', timestamps: true, versionKey: false },
);

export type PartnerDoc = mongoose.InferSchemaType<typeof partnerSchema> & { _id: string };

export type Partner = PartnerView;

/** Features a partner may be granted; each names a partner contract or capability. */
export const PARTNER_FEATURES = ['user-validate', 'member-verify', 'idcard-check', 'campus-auth', NO_MERGE_FEATURE] as const;

/** What a partner created without a feature list is granted: every capability, no opt-out. */
export const DEFAULT_PARTNER_FEATURES = PARTNER_FEATURES.filter((f) => f !== NO_MERGE_FEATURE);

const secretContext = (appId: string) => `partner:${appId}:secret`;
const webhookSecretContext = (appId: string) => `partner:${appId}:webhook-secret`;
/** The context the notifier opens the event's sealed secrets with (partner.proto). */
export const callbackSecretsContext = (appId: string) => `partner:${appId}:callback-secrets`;

const newSecret = () => randomBytes(32).toString('base64url');
const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** Raised when a partner's settings changed under a concurrent writer too often to apply a change. */
class SettingsChangeConflict extends Error {}

export class PartnerRepository implements PartnersPort {
  readonly model: mongoose.Model<PartnerDoc>;

  constructor(
    conn: mongoose.Connection,
    private readonly cipher: PiiCipher,
    /** Seed 004's company public keys live in their own repository; main wires the lookup. */
    private readonly publicKeys: (appId: string) => Promise<string | undefined> = async () => undefined,
  ) {
    this.model = conn.model<PartnerDoc>('Partner', partnerSchema);
  }

  /** The event that tells the notifier a partner's callback settings and secrets as of `version`. */
  private settingsChanged(doc: { _id: string; active: boolean; callbackUrl: string; features: string[]; secret: string; webhookSecret: string }, version: number) {
    const payload = partnerEvents.PartnerSettingsChanged.encode({
      partnerId: doc._id,
      active: doc.active,
      callbackUrl: doc.callbackUrl,
      callbackFormat: doc.features.includes('member-verify')
        ? partnerEvents.CallbackFormat.CALLBACK_FORMAT_MEMBER_NOTIFY
        : partnerEvents.CallbackFormat.CALLBACK_FORMAT_STANDARD_WEBHOOKS,
      sealedSecrets: this.cipher.sealString(
        JSON.stringify({ app_secret: doc.secret, webhook_secret: doc.webhookSecret }),
        callbackSecretsContext(doc._id),
      ),
      version,
    }).finish();
    return outboxRecord({
      topic: TOPICS.partner,
      type: 'kyc.partner.v1.PartnerSettingsChanged',
      key: doc._id,
      payload: Buffer.from(payload),
      correlationId: '',
      causationId: '',
    });
  }

  /** Registers a partner and returns its credentials; the secrets are shown this once. */
  async create(input: { name: string; callbackUrl?: string; features: string[] }): Promise<{ appId: string; secret: string; webhookSecret: string }> {
    const now = new Date();
    const stamp = now.toISOString().replace(/\D/g, '').slice(0, 10); // yyyyMMddHH, like the seeds' app ids
    const appId = `${stamp}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
    const secret = newSecret();
    const webhookSecret = newWebhookSecret();
    const callbackUrl = input.callbackUrl ?? '';
    const event = this.settingsChanged({ _id: appId, active: true, callbackUrl, features: input.features, secret, webhookSecret }, 1);
    await this.model.create({
      _id: appId,
      name: input.name,
      secretSealed: this.cipher.sealString(secret, secretContext(appId)),
      webhookSecretSealed: this.cipher.sealString(webhookSecret, webhookSecretContext(appId)),
      callbackUrl,
      features: input.features,
      secretRotatedAt: now,
      settingsVersion: 1,
      outbox: [event],
      outboxPending: true,
    });
    return { appId, secret, webhookSecret };
  }

  /**
   * Applies a change to a partner's settings together with its PartnerSettingsChanged event, in
   * one update conditioned on the version read (a concurrent change makes it read again).
   */
  private async changeSettings(
    appId: string,
    change: { secret?: string; callbackUrl?: string; extra?: Record<string, unknown> },
  ): Promise<{ webhookSecret: string } | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = await this.model.findById(appId).lean();
      if (!doc) return undefined;
      const version = (doc.settingsVersion ?? 0) + 1;
      // Partners registered before webhook secrets existed get one with their first change.
      const webhookSecret = doc.webhookSecretSealed
        ? this.cipher.openString(bytesOf(doc.webhookSecretSealed), webhookSecretContext(appId))
        : newWebhookSecret();
      const next = {
        _id: appId,
        active: doc.active ?? true,
        callbackUrl: change.callbackUrl ?? doc.callbackUrl ?? '',
        features: doc.features ?? [],
        secret: change.secret ?? this.cipher.openString(bytesOf(doc.secretSealed), secretContext(appId)),
        webhookSecret,
      };
      const outbox = pushOutbox(this.settingsChanged(next, version));
      const res = await this.model.collection.updateOne(
        { _id: appId, settingsVersion: doc.settingsVersion ?? null } as never,
        {
          $set: {
            ...outbox.$set,
            ...change.extra,
            ...(change.secret ? { secretSealed: this.cipher.sealString(change.secret, secretContext(appId)) } : {}),
            ...(doc.webhookSecretSealed ? {} : { webhookSecretSealed: this.cipher.sealString(webhookSecret, webhookSecretContext(appId)) }),
            callbackUrl: next.callbackUrl,
            settingsVersion: version,
            updatedAt: new Date(),
          },
          $push: outbox.$push,
        } as never,
      );
      if (res.matchedCount === 1) return { webhookSecret };
    }
    throw new SettingsChangeConflict(`partner ${appId} changed concurrently; try again`);
  }

  /** Replaces the secret; the old one stops working at once. */
  async rotateSecret(appId: string): Promise<string | undefined> {
    const secret = newSecret();
    const changed = await this.changeSettings(appId, { secret, extra: { secretRotatedAt: new Date() } });
    return changed ? secret : undefined;
  }

  /** Sets the partner's default callback endpoint (empty: per-request URLs only). */
  async setCallback(appId: string, callbackUrl: string): Promise<boolean> {
    return (await this.changeSettings(appId, { callbackUrl })) !== undefined;
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

  publicKeyOf(appId: string): Promise<string | undefined> {
    return this.publicKeys(appId);
  }
}
