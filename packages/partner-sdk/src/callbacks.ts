/**
 * Checks the callbacks the platform sends before anything in them is trusted. Give the body exactly
 * as received (the raw bytes or their text): a re-serialised body may not verify.
 */
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { components, webhooks } from './gen/openapi';
import { memberSignMatches } from './signing/member-signing';

/** Seed 000's result notification, POSTed to the submission's notify_url. */
export type MemberNotification = components['schemas']['MemberNotification'];
/** The Standard Webhooks payload of a finished verification, POSTed to the partner's callback URL. */
export type VerificationCompletedEvent = webhooks['verificationCompleted']['post']['requestBody']['content']['application/json'];

/** What a seed 000 notification endpoint must answer once it has taken the notification. */
export const MEMBER_NOTIFICATION_ACK = { code: '0000' } as const;

export class CallbackVerificationError extends Error {
  override readonly name = 'CallbackVerificationError';
}

const text = (body: string | Buffer | Uint8Array) => (typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));

/**
 * A seed 000 notification whose `sign` is the HMAC of its other fields under the partner's
 * app_secret; throws CallbackVerificationError otherwise. Deduplicate on `tx_seq_no`: a
 * notification is retried until it is acknowledged with MEMBER_NOTIFICATION_ACK.
 */
export function verifyMemberNotification(body: string | Buffer | Uint8Array, appSecret: string): MemberNotification {
  let fields: unknown;
  try {
    fields = JSON.parse(text(body));
  } catch {
    throw new CallbackVerificationError('the notification is not JSON');
  }
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) throw new CallbackVerificationError('the notification is not a JSON object');
  const record = fields as Record<string, unknown>;
  if (!memberSignMatches(appSecret, record, record.sign)) throw new CallbackVerificationError('the notification sign does not match');
  return record as MemberNotification;
}

/**
 * A Standard Webhooks callback (webhook-id, webhook-timestamp, webhook-signature headers) signed
 * with the partner's webhook secret (`whsec_…`); throws CallbackVerificationError when the
 * signature does not match or the timestamp is more than five minutes off. Deduplicate on
 * `webhook-id`: it stays the same across retries.
 */
export function verifyVerificationWebhook(
  body: string | Buffer | Uint8Array,
  headers: Record<string, string | string[] | undefined> | Headers,
  webhookSecret: string,
): VerificationCompletedEvent {
  const flat: Record<string, string> = {};
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  for (const [name, value] of entries) if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  try {
    return new Webhook(webhookSecret).verify(text(body), flat) as VerificationCompletedEvent;
  } catch (err) {
    if (err instanceof WebhookVerificationError) throw new CallbackVerificationError(`the webhook does not verify: ${err.message}`);
    throw err;
  }
}
