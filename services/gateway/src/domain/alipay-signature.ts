/**
 * Seed 004's request signature: the Alipay open-platform rule, which companies' existing
 * Alipay-style SDKs already implement.
 *
 *   content = every parameter except `sign` whose value is not empty, sorted by name (byte
 *             order), as name=value joined by '&'; values exactly as sent (bizContent is the
 *             JSON string as sent, not re-serialised)
 *   sign    = base64( RSA PKCS#1 v1.5 signature of content (UTF-8) )
 *             signType RSA2 = SHA256withRSA, RSA = SHA1withRSA
 *
 * Each company registers its RSA public key; the platform never holds the private key.
 */
import { createHash, createPublicKey, createVerify, KeyObject } from 'node:crypto';

export const ALIPAY_SIGN_TYPES = { RSA2: 'RSA-SHA256', RSA: 'RSA-SHA1' } as const;
export type AlipaySignType = keyof typeof ALIPAY_SIGN_TYPES;

export const isAlipaySignType = (value: unknown): value is AlipaySignType =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(ALIPAY_SIGN_TYPES, value);

/** Smallest modulus accepted at registration (Alipay's own keys are 2048 bits). */
export const MIN_RSA_MODULUS_BITS = 2048;

/** The string a company signs, from the parameters as they arrived. */
export function alipaySignContent(params: Record<string, string | undefined>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== undefined && params[k] !== '')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

export class InvalidPublicKeyError extends Error {}

/**
 * A company's RSA public key, given as PEM (SPKI `BEGIN PUBLIC KEY` or PKCS#1 `BEGIN RSA PUBLIC
 * KEY`) or as the bare base64 SPKI that Alipay's console shows. Throws InvalidPublicKeyError
 * when it is not an RSA public key of at least MIN_RSA_MODULUS_BITS.
 */
export function parseCompanyPublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  // createPublicKey would derive the public half of a private key; a company's private key must
  // never be handed to the platform, so say so rather than accept it.
  if (/PRIVATE KEY/.test(trimmed)) throw new InvalidPublicKeyError('a private key was given; register the public key only');
  const pem = trimmed.startsWith('-----BEGIN')
    ? trimmed
    : `-----BEGIN PUBLIC KEY-----\n${(trimmed.replace(/\s+/g, '').match(/.{1,64}/g) ?? []).join('\n')}\n-----END PUBLIC KEY-----\n`;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new InvalidPublicKeyError('not a PEM or base64 public key');
  }
  if (key.asymmetricKeyType !== 'rsa') throw new InvalidPublicKeyError(`not an RSA key (${key.asymmetricKeyType})`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_MODULUS_BITS) throw new InvalidPublicKeyError(`RSA key of ${bits} bits; at least ${MIN_RSA_MODULUS_BITS} required`);
  return key;
}

/** The key as SPKI PEM, the one form stored. */
export const publicKeyPem = (key: KeyObject): string => key.export({ type: 'spki', format: 'pem' }).toString();

/** SHA-256 of the key's SPKI DER, hex, colon-free: what operators compare with the company. */
export const publicKeyFingerprint = (key: KeyObject): string =>
  createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');

/** True when `sign` is the company's signature of the parameters under the given type. */
export function alipaySignatureMatches(
  params: Record<string, string | undefined>,
  signType: AlipaySignType,
  publicKey: KeyObject | string,
  sign: string,
): boolean {
  const key = typeof publicKey === 'string' ? parseCompanyPublicKey(publicKey) : publicKey;
  // Base64 of a 2048..4096-bit signature; anything else cannot match and is not worth verifying.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(sign) || sign.length > 1024) return false;
  try {
    return createVerify(ALIPAY_SIGN_TYPES[signType]).update(alipaySignContent(params), 'utf8').verify(key, sign, 'base64');
  } catch {
    return false;
  }
}

const CHINA_OFFSET_MS = 8 * 3600_000; // UTC+8, no daylight saving since 1991

/** Seed 004's `timestamp` ("yyyy-MM-dd HH:mm:ss", China time) as epoch ms; undefined when malformed. */
export function parseChinaTimestamp(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(utc);
  // Date.UTC rolls 2023-02-30 over to March; a date that does not round-trip is not a date.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return utc - CHINA_OFFSET_MS;
}

/** Formats epoch ms as seed 004's China-time timestamp. */
export const formatChinaTimestamp = (ms: number): string => new Date(ms + CHINA_OFFSET_MS).toISOString().replace('T', ' ').slice(0, 19);

/** Today's date in China as YYYY-MM-DD. */
export const chinaDate = (ms: number): string => new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);

/** True when a well-formed China-time timestamp is within maxSkewSeconds of now, either side. */
export function chinaTimestampFresh(value: string, maxSkewSeconds: number, nowMs = Date.now()): boolean {
  const at = parseChinaTimestamp(value);
  return at !== undefined && Math.abs(nowMs - at) <= maxSkewSeconds * 1000;
}
