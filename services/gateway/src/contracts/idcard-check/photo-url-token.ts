/**
 * Tokens of seed 004's short-lived photo URLs (cardFrontUrl / cardBackUrl). A token names one
 * subject's photo of one type until an expiry, and is opaque to the company: the subject id is a
 * platform-internal identifier that companies never see, so the token is encrypted, not only
 * signed. AES-256-GCM authenticates what it encrypts (its tag is the MAC), so a changed token
 * fails to open. Being self-contained, a token needs no server-side record and works on every
 * gateway replica.
 *
 * Hand-written on node:crypto (a dozen lines) rather than with a sealing library (@hapi/iron,
 * JWE) to keep the gateway's dependencies as they are; the key is derived from the gateway's
 * URL-signing key with HKDF, so it serves only this purpose.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const INFO = 'kyc gateway idcard-check photo url v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface PhotoUrlClaim {
  subjectId: string;
  photoType: number;
}

export type OpenedPhotoToken = { ok: true; claim: PhotoUrlClaim } | { ok: false; reason: 'invalid' | 'expired' };

const keyFrom = (urlSigningKey: Buffer) => Buffer.from(hkdfSync('sha256', urlSigningKey, Buffer.alloc(0), INFO, 32));

export function sealPhotoToken(urlSigningKey: Buffer, claim: PhotoUrlClaim, expiresAtMs: number): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(urlSigningKey), iv);
  cipher.setAAD(Buffer.from(INFO));
  const body = JSON.stringify({ s: claim.subjectId, t: claim.photoType, e: Math.floor(expiresAtMs / 1000) });
  const sealed = Buffer.concat([cipher.update(body, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

export function openPhotoToken(urlSigningKey: Buffer, token: string, nowMs = Date.now()): OpenedPhotoToken {
  if (!/^[A-Za-z0-9_-]{40,400}$/.test(token)) return { ok: false, reason: 'invalid' };
  const raw = Buffer.from(token, 'base64url');
  if (raw.length <= IV_BYTES + TAG_BYTES) return { ok: false, reason: 'invalid' };
  let parsed: { s?: unknown; t?: unknown; e?: unknown };
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFrom(urlSigningKey), raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(INFO));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
    parsed = JSON.parse(plain.toString('utf8')) as typeof parsed;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (typeof parsed.s !== 'string' || !Number.isInteger(parsed.t) || !Number.isInteger(parsed.e)) return { ok: false, reason: 'invalid' };
  if ((parsed.e as number) * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, claim: { subjectId: parsed.s, photoType: parsed.t as number } };
}

/** A verified identity's photo reference ("<subjectId>:<photoType>") as a claim; undefined when empty or malformed. */
export function photoClaimOfRef(ref: string): PhotoUrlClaim | undefined {
  const at = ref.lastIndexOf(':');
  if (at <= 0) return undefined;
  const photoType = Number(ref.slice(at + 1));
  if (!Number.isInteger(photoType) || photoType < 0 || ref.slice(at + 1) === '') return undefined;
  return { subjectId: ref.slice(0, at), photoType };
}
