/**
 * Partner request signing (the app_id + nonce_str + time_stamp + sign scheme of seed 000, used by
 * every partner-signed endpoint). The seeds show a 40-hex-character sign, so:
 *
 *   sign = lowercase hex( HMAC-SHA1( key = app secret, message = signString(params) ) )
 *   signString = every parameter except `sign` whose value is not empty, sorted by name
 *                (byte order), as name=value joined by '&'; object values as JSON with sorted keys.
 *
 * HMAC-SHA1 remains a sound MAC; the algorithm is fixed by the contract's sign length.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function signString(params: Record<string, unknown>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== undefined && params[k] !== null && params[k] !== '')
    .sort()
    .map((k) => {
      const v = params[k];
      return `${k}=${typeof v === 'object' ? canonicalJson(v) : String(v)}`;
    })
    .join('&');
}

export function sign(secret: string, params: Record<string, unknown>): string {
  return createHmac('sha1', secret).update(signString(params), 'utf8').digest('hex');
}

/** Constant-time comparison of the expected and presented signatures. */
export function signatureMatches(secret: string, params: Record<string, unknown>, presented: string): boolean {
  const expected = Buffer.from(sign(secret, params), 'utf8');
  const given = Buffer.from(String(presented).toLowerCase(), 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** True when a seconds-since-epoch timestamp is within the allowed skew of now. */
export function timestampFresh(timeStamp: string, maxSkewSeconds: number, nowMs = Date.now()): boolean {
  if (!/^\d{9,11}$/.test(timeStamp)) return false;
  return Math.abs(nowMs / 1000 - Number(timeStamp)) <= maxSkewSeconds;
}
