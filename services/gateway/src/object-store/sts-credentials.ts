/**
 * Temporary credentials for the OSS-compatible object store (seed 001's /user/getsts), in the
 * shape Alibaba Cloud STS hands out: an AccessKeyId starting "STS.", an AccessKeySecret and a
 * SecurityToken, valid until an expiry.
 *
 * They are self-contained, so any gateway replica can check them without a lookup and nothing is
 * stored: the security token is the grant (subject, partner, object prefix, allowed actions,
 * expiry, access key id) encrypted and authenticated with AES-256-GCM, so it can be neither read
 * (it names a platform-internal subject id) nor altered; the secret is an HMAC of the access key
 * id, so it is re-derived from the token's key id when a signature is checked. Both keys come from
 * the gateway's URL-signing key through HKDF, each for this purpose only (as photo-url-token does).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomInt } from 'node:crypto';

const TOKEN_INFO = 'kyc gateway oss sts token v1';
const SECRET_INFO = 'kyc gateway oss sts secret v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export type StsAction = 'put' | 'get';

/** What a set of credentials allows. */
export interface StsGrant {
  accessKeyId: string;
  subjectId: string;
  partnerId: string;
  uid: number;
  /** Object keys the credentials may touch start with this, e.g. "auth/6/". */
  prefix: string;
  actions: StsAction[];
  expiresAt: Date;
}

export interface StsCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  expiresAt: Date;
}

export type OpenedToken = { ok: true; grant: StsGrant } | { ok: false; reason: 'invalid' | 'expired' };

const derive = (key: Buffer, info: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, 32));

export class StsAuthority {
  private readonly tokenKey: Buffer;
  private readonly secretKey: Buffer;

  constructor(urlSigningKey: Buffer) {
    this.tokenKey = derive(urlSigningKey, TOKEN_INFO);
    this.secretKey = derive(urlSigningKey, SECRET_INFO);
  }

  mint(grant: Omit<StsGrant, 'accessKeyId'>): StsCredentials {
    const accessKeyId = `STS.${Array.from({ length: 25 }, () => KEY_ID_ALPHABET[randomInt(KEY_ID_ALPHABET.length)]).join('')}`;
    const expiresSeconds = Math.floor(grant.expiresAt.getTime() / 1000);
    const body = JSON.stringify({
      k: accessKeyId,
      s: grant.subjectId,
      p: grant.partnerId,
      u: grant.uid,
      x: grant.prefix,
      a: grant.actions,
      e: expiresSeconds,
    });
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.tokenKey, iv);
    cipher.setAAD(Buffer.from(TOKEN_INFO));
    const sealed = Buffer.concat([cipher.update(body, 'utf8'), cipher.final()]);
    return {
      accessKeyId,
      accessKeySecret: this.secretOf(accessKeyId),
      securityToken: Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url'),
      expiresAt: new Date(expiresSeconds * 1000),
    };
  }

  /** The secret belonging to an access key id this authority minted. */
  secretOf(accessKeyId: string): string {
    return createHmac('sha256', this.secretKey).update(accessKeyId).digest('base64url').slice(0, 40);
  }

  /** The grant a security token carries; invalid when it was not minted here or was altered. */
  open(securityToken: string, nowMs = Date.now()): OpenedToken {
    if (!/^[A-Za-z0-9_-]{40,2048}$/.test(securityToken)) return { ok: false, reason: 'invalid' };
    const raw = Buffer.from(securityToken, 'base64url');
    if (raw.length <= IV_BYTES + TAG_BYTES) return { ok: false, reason: 'invalid' };
    let g: { k?: unknown; s?: unknown; p?: unknown; u?: unknown; x?: unknown; a?: unknown; e?: unknown };
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.tokenKey, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(TOKEN_INFO));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      g = JSON.parse(Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8')) as typeof g;
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    const actions = Array.isArray(g.a) ? g.a.filter((a): a is StsAction => a === 'put' || a === 'get') : [];
    if (typeof g.k !== 'string' || typeof g.s !== 'string' || typeof g.p !== 'string' || typeof g.x !== 'string') return { ok: false, reason: 'invalid' };
    if (!Number.isSafeInteger(g.u) || !Number.isSafeInteger(g.e)) return { ok: false, reason: 'invalid' };
    if ((g.e as number) * 1000 <= nowMs) return { ok: false, reason: 'expired' };
    return {
      ok: true,
      grant: { accessKeyId: g.k, subjectId: g.s, partnerId: g.p, uid: g.u as number, prefix: g.x, actions, expiresAt: new Date((g.e as number) * 1000) },
    };
  }
}
