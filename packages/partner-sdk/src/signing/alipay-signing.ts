/**
 * Seed 004's request signing, the Alipay open-platform rule:
 *
 *   string to sign = name=value joined by '&' for every parameter but `sign` whose value is not
 *                    empty, sorted by name, values exactly as sent (bizContent is the JSON text sent)
 *   sign           = base64( RSA PKCS#1 v1.5 signature of the UTF-8 string )
 *                    signType RSA2 = SHA256withRSA (recommended), RSA = SHA1withRSA
 *
 * The company keeps the private key; the platform verifies with the public key an operator
 * registered (`kyc company register-key`).
 */
import { createPrivateKey, createSign, KeyObject } from 'node:crypto';

export type AlipaySignType = 'RSA2' | 'RSA';

const DIGEST: Record<AlipaySignType, string> = { RSA2: 'RSA-SHA256', RSA: 'RSA-SHA1' };

/** The public parameters of one seed 004 request, signed. */
export interface IdcardCheckParams {
  companyId: string;
  charset: 'utf-8';
  signType: AlipaySignType;
  bizContent: string;
  timestamp: string;
  sign: string;
}

/** The exact text that is signed. */
export function alipayStringToSign(params: Record<string, string | undefined>): string {
  return Object.keys(params)
    .filter((name) => name !== 'sign' && params[name] !== undefined && params[name] !== '')
    .sort()
    .map((name) => `${name}=${params[name]}`)
    .join('&');
}

/**
 * A private key as PEM (PKCS#8 or PKCS#1) or as the bare base64 PKCS#8 that Alipay's key tool
 * writes.
 */
export function companyPrivateKey(key: string | KeyObject): KeyObject {
  if (typeof key !== 'string') return key;
  const trimmed = key.trim();
  if (trimmed.startsWith('-----BEGIN')) return createPrivateKey(trimmed);
  return createPrivateKey({ key: Buffer.from(trimmed.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'pkcs8' });
}

export function alipaySign(params: Record<string, string | undefined>, privateKey: string | KeyObject, signType: AlipaySignType = 'RSA2'): string {
  return createSign(DIGEST[signType]).update(alipayStringToSign(params), 'utf8').sign(companyPrivateKey(privateKey), 'base64');
}

const CHINA_OFFSET_MS = 8 * 3600_000; // UTC+8, no daylight saving

/** Seed 004's timestamp: China time as "yyyy-MM-dd HH:mm:ss". */
export const chinaTimestamp = (at = Date.now()): string => new Date(at + CHINA_OFFSET_MS).toISOString().replace('T', ' ').slice(0, 19);

/** Signs one seed 004 query: `bizContent` is an object (sent as its JSON) or JSON text sent as is. */
export function signIdcardCheck(
  opts: { companyId: string; privateKey: string | KeyObject; signType?: AlipaySignType },
  bizContent: Record<string, unknown> | string,
  at = Date.now(),
): IdcardCheckParams {
  const signType = opts.signType ?? 'RSA2';
  const params = {
    companyId: opts.companyId,
    charset: 'utf-8' as const,
    signType,
    bizContent: typeof bizContent === 'string' ? bizContent : JSON.stringify(bizContent),
    timestamp: chinaTimestamp(at),
  };
  return { ...params, sign: alipaySign(params, opts.privateKey, signType) };
}
