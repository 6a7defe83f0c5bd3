/**
 * Signatures and password sealing of the e-card connector wire format (documented at the top of
 * http-ecard.ts), kept apart so the adapter reads as the protocol.
 */
import { createCipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export const PASSWORD_CHECK_PATH = '/v1/password-checks';
export const PASSWORD_KEY_INFO = 'kyc-ecard-password-v1';

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const hmacHex = (secret: Buffer, lines: string[]): string => createHmac('sha256', secret).update(lines.join('\n'), 'utf8').digest('hex');

/** X-Kyc-Signature of a request: HMAC-SHA256 over method, path, timestamp, nonce and the body's SHA-256. */
export const requestSignature = (secret: Buffer, r: { path: string; timestamp: string; nonce: string; body: string }): string =>
  hmacHex(secret, ['POST', r.path, r.timestamp, r.nonce, sha256Hex(r.body)]);

/** The `signature` of an answer: HMAC-SHA256 over the request's nonce, the result and the reference. */
export const answerSignature = (secret: Buffer, nonce: string, result: string, reference: string): string =>
  hmacHex(secret, [nonce, result, reference]);

/** Constant-time comparison of a hex signature from the wire with the expected one. */
export function signatureMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || !/^[0-9a-f]{64}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'));
}

export interface SealedPassword {
  scheme: 'aes-256-gcm';
  iv: string;
  value: string;
  tag: string;
}

/**
 * The password sealed to the school: AES-256-GCM under HKDF-SHA256(school secret, no salt,
 * "kyc-ecard-password-v1"), the request's nonce as additional data so a sealed password is only
 * good in the request it came with. iv, ciphertext and tag in base64.
 */
export function sealPassword(secret: Buffer, password: string, nonce: string): SealedPassword {
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), PASSWORD_KEY_INFO, 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(nonce, 'utf8'));
  const value = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
  return { scheme: 'aes-256-gcm', iv: iv.toString('base64'), value: value.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}
