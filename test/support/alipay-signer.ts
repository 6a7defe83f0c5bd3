/**
 * A seed 004 company's signer, as a company's own code would sign: the Alipay open-platform rule
 * (every parameter but `sign` with a non-empty value, sorted by name, `k=v` joined by `&`;
 * RSA2 = SHA256withRSA, RSA = SHA1withRSA, base64), written with node-forge so that the tests
 * check the documented rule against an implementation other than the gateway's node:crypto one.
 */
import forge from 'node-forge';

export interface CompanyKeyPair {
  privateKey: forge.pki.rsa.PrivateKey;
  /** SPKI PEM, as registered with `kyc company register-key`. */
  publicKeyPem: string;
}

export function generateCompanyKeyPair(): CompanyKeyPair {
  const { privateKey, publicKey } = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  return { privateKey, publicKeyPem: forge.pki.publicKeyToPem(publicKey) };
}

/** The bare base64 of the public key, as Alipay's console shows it. */
export const bareBase64 = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

export function alipayContent(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

export function alipaySign(params: Record<string, string>, key: forge.pki.rsa.PrivateKey, signType: 'RSA2' | 'RSA'): string {
  const md = signType === 'RSA2' ? forge.md.sha256.create() : forge.md.sha1.create();
  md.update(alipayContent(params), 'utf8');
  return forge.util.encode64(key.sign(md));
}

/** China time, "yyyy-MM-dd HH:mm:ss" (UTC+8). */
export function chinaTimestamp(at = Date.now()): string {
  const d = new Date(at + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** Seed 004's public parameters for one query, signed. */
export function signedIdcardCheck(
  companyId: string,
  key: forge.pki.rsa.PrivateKey,
  bizContent: Record<string, unknown> | string,
  opts: { signType?: 'RSA2' | 'RSA'; at?: number } = {},
): Record<string, string> {
  const signType = opts.signType ?? 'RSA2';
  const params: Record<string, string> = {
    companyId,
    charset: 'utf-8',
    signType,
    bizContent: typeof bizContent === 'string' ? bizContent : JSON.stringify(bizContent),
    timestamp: chinaTimestamp(opts.at),
  };
  return { ...params, sign: alipaySign(params, key, signType) };
}
