/**
 * Seed 000's request signing, used by every partner-signed endpoint (member verification, the
 * platform's session and app-token endpoints) and by the platform's signed notifications:
 *
 *   sign = lowercase hex( HMAC-SHA1( key = app_secret, message = string to sign ) )
 *   string to sign = name=value joined by '&' for every parameter but `sign` whose value is not
 *                    empty, sorted by name; an object value (seed 000's `member`) as JSON with
 *                    keys sorted at every level.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A partner's credentials, as the operator hands them out (`kyc partner create`). */
export interface PartnerCredentials {
  app_id: string;
  app_secret: string;
}

/** The fields the signing adds to a body. */
export interface SigningFields {
  app_id: string;
  nonce_str: string;
  time_stamp: string;
  sign: string;
}

function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const isEmpty = (value: unknown) => value === undefined || value === null || value === '';

/** The exact text that is signed. */
export function memberStringToSign(params: Record<string, unknown>): string {
  return Object.keys(params)
    .filter((name) => name !== 'sign' && !isEmpty(params[name]))
    .sort()
    .map((name) => {
      const value = params[name];
      return `${name}=${typeof value === 'object' ? sortedJson(value) : String(value)}`;
    })
    .join('&');
}

/** The `sign` of a set of parameters under an app secret. */
export function memberSign(appSecret: string, params: Record<string, unknown>): string {
  return createHmac('sha1', appSecret).update(memberStringToSign(params), 'utf8').digest('hex');
}

/** True when `presented` is the parameters' sign (constant-time comparison). */
export function memberSignMatches(appSecret: string, params: Record<string, unknown>, presented: unknown): boolean {
  const expected = Buffer.from(memberSign(appSecret, params), 'utf8');
  const given = Buffer.from(typeof presented === 'string' ? presented.toLowerCase() : '', 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * A body ready to send: the fields plus `app_id`, a fresh `nonce_str`, `time_stamp` (seconds) and
 * `sign`. The gateway refuses a nonce it has seen and a time stamp too far from its clock.
 */
export function signMemberRequest<T extends object>(
  creds: PartnerCredentials,
  fields: T,
  opts: { now?: number; nonce?: string } = {},
): T & SigningFields {
  const unsigned = {
    ...fields,
    app_id: creds.app_id,
    nonce_str: opts.nonce ?? randomBytes(8).toString('hex').toUpperCase(),
    time_stamp: String(Math.floor((opts.now ?? Date.now()) / 1000)),
  };
  return { ...unsigned, sign: memberSign(creds.app_secret, unsigned as Record<string, unknown>) };
}
