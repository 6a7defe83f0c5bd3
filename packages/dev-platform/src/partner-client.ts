import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { kycJson } from './operator-cli';
import { Platform } from './platform';

export interface PartnerCredentials {
  app_id: string;
  app_secret: string;
}

/** Registers a partner with the operator command (`kyc partner create`), exactly as an operator would. */
export async function createPartner(platform: Platform, name: string, features = 'user-validate'): Promise<PartnerCredentials> {
  return kycJson<PartnerCredentials>(platform.gatewayEnv, ['partner', 'create', '--name', name, '--features', features]);
}

/** Registers a company's RSA public key for seed 004 with `kyc company register-key`, as an operator would. */
export async function registerCompanyKey(platform: Platform, companyId: string, publicKeyPem: string): Promise<{ company_id: string; fingerprint: string }> {
  const file = path.join(platform.logDir, `company-${companyId}.pub.pem`);
  fs.writeFileSync(file, publicKeyPem);
  return kycJson(platform.gatewayEnv, ['company', 'register-key', '--company-id', companyId, '--public-key-file', file]);
}

/** Object values (seed 000's `member`) are signed as JSON with keys sorted at every level. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Signs a body the way partners do (see the gateway's request-signing module and the OpenAPI
 * description). Written independently of the gateway's code so tests check the documented rule.
 */
export function signBody(creds: PartnerCredentials, body: Record<string, unknown>, at = Date.now()): Record<string, unknown> {
  const full: Record<string, unknown> = {
    ...body,
    app_id: creds.app_id,
    nonce_str: randomBytes(8).toString('hex').toUpperCase(),
    time_stamp: String(Math.floor(at / 1000)),
  };
  const canonical = Object.keys(full)
    .filter((k) => full[k] !== '' && full[k] !== undefined && full[k] !== null)
    .sort()
    .map((k) => `${k}=${typeof full[k] === 'object' ? sortedJson(full[k]) : String(full[k])}`)
    .join('&');
  return { ...full, sign: createHmac('sha1', creds.app_secret).update(canonical).digest('hex') };
}

/** A session for one of the partner's users, as the partner-signed session endpoint answers it. */
async function mintUserSession(gatewayUrl: string, creds: PartnerCredentials, userId: string): Promise<{ user_sid: string; uid: number; token: string }> {
  const res = await fetch(`${gatewayUrl}/api/platform/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(signBody(creds, { user_id: userId })),
  });
  const body = (await res.json()) as { code: number; data: { user_sid: string; uid: number; token: string } | null; message: string };
  if (body.code !== 200 || !body.data) throw new Error(`session minting failed: ${body.code} ${body.message}`);
  return body.data;
}

/** Mints a user_sid (seed 002) for one of the partner's users. */
export async function mintSession(gatewayUrl: string, creds: PartnerCredentials, userId: string): Promise<string> {
  return (await mintUserSession(gatewayUrl, creds, userId)).user_sid;
}

/** Mints seed 001's uid + token (the same session seen as an app sees it) for one of the partner's users. */
export async function mintAppSession(gatewayUrl: string, creds: PartnerCredentials, userId: string): Promise<{ uid: number; token: string }> {
  const { uid, token } = await mintUserSession(gatewayUrl, creds, userId);
  return { uid, token };
}
