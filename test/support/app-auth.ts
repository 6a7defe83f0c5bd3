/**
 * Seed 001 as an app sees it: uid + token from the partner-minted session, the
 * {attachment,message,status} endpoints, and the unmodified ali-oss client pointed at the
 * platform with the credentials of /user/getsts.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Metadata, ServiceError } from '@grpc/grpc-js';
import { identity } from '@kyc/contracts';
import { findRepoRoot, mintAppSession, PartnerCredentials, Platform } from '@kyc/dev-platform';
import { json } from './fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const OSS = require('ali-oss') as new (options: Record<string, unknown>) => AliOss;

/** The part of ali-oss 6.x the tests use. */
export interface AliOss {
  put(name: string, body: Buffer, options?: Record<string, unknown>): Promise<{ name: string; res: { status: number; headers: Record<string, string> } }>;
  get(name: string): Promise<{ content: Buffer; res: { status: number; headers: Record<string, string> } }>;
  head(name: string): Promise<{ res: { status: number; headers: Record<string, string> } }>;
  signatureUrl(name: string, options?: Record<string, unknown>): string;
  signatureUrlV4(method: string, expires: number, request: unknown, name: string): Promise<string>;
}

export interface AppUser {
  partner: PartnerCredentials & { webhook_secret: string };
  uid: number;
  token: string;
  userId: string;
}

export interface Envelope<T = any> {
  attachment: T;
  message: string | null;
  status: number;
}

/** A partner registered with `kyc partner create` (optionally with a callback URL), as an operator would. */
export async function appPartner(platform: Platform, name: string, callbackUrl?: string): Promise<AppUser['partner']> {
  const cli = path.join(findRepoRoot(), 'packages/operator-cli/dist/main.js');
  const args = [cli, '--json', 'partner', 'create', '--name', name, '--features', 'user-validate', ...(callbackUrl ? ['--callback-url', callbackUrl] : [])];
  const { stdout } = await promisify(execFile)(process.execPath, args, { env: { ...process.env, ...platform.gatewayEnv } });
  return JSON.parse(stdout.trim()) as AppUser['partner'];
}

/** uid + token for one of the partner's users, from the partner-signed session endpoint. */
export async function appUser(platform: Platform, partner: AppUser['partner'], userId: string): Promise<AppUser> {
  return { partner, userId, ...(await mintAppSession(platform.gatewayUrl, partner, userId)) };
}

/** A seed 001 call, JSON body, with the user's uid + token (and `local`). */
export async function appCall<T = any>(platform: Platform, user: Pick<AppUser, 'uid' | 'token'>, route: string, params: Record<string, unknown> = {}, local = 'zh-CN'): Promise<Envelope<T>> {
  const res = await fetch(`${platform.gatewayUrl}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uid: user.uid, token: user.token, local, ...params }),
  });
  return json(res);
}

/** The same call as a form, as Android/iOS HTTP clients often send it. */
export async function appForm<T = any>(platform: Platform, route: string, params: Record<string, string | number>): Promise<Envelope<T>> {
  const form = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
  return json(await fetch(`${platform.gatewayUrl}${route}`, { method: 'POST', body: form }));
}

export interface StsCredentials {
  SecurityToken: string;
  bucket: string;
  AccessKeyId: string;
  AccessKeySecret: string;
  Expiration: string;
  endpoint: string;
  region: string;
  prefix: string;
}

export async function getSts(platform: Platform, user: Pick<AppUser, 'uid' | 'token'>): Promise<StsCredentials> {
  const answer = await appCall<StsCredentials>(platform, user, '/user/getsts');
  if (answer.status !== 200) throw new Error(`getsts refused: ${JSON.stringify(answer)}`);
  return answer.attachment;
}

/**
 * An unmodified ali-oss client configured as the OpenAPI description says: the platform's
 * endpoint as the bucket's own domain (cname), the STS credentials, V1 signing unless told
 * otherwise. `refreshSTSTokenInterval` only quiets ali-oss's advice to refresh tokens.
 */
export function ossClient(creds: StsCredentials, options: Record<string, unknown> = {}): AliOss {
  return new OSS({
    endpoint: creds.endpoint,
    cname: true,
    bucket: creds.bucket,
    region: creds.region,
    accessKeyId: creds.AccessKeyId,
    accessKeySecret: creds.AccessKeySecret,
    stsToken: creds.SecurityToken,
    refreshSTSTokenInterval: 300_000,
    timeout: 30_000,
    ...options,
  });
}

/** What ali-oss threw: OSS's error code (from the XML body) and HTTP status. */
export async function ossRefusal(p: Promise<unknown>): Promise<{ code: string; status: number }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: string; name?: string; status?: number };
    return { code: e.code ?? e.name ?? 'unknown', status: e.status ?? 0 };
  }
  throw new Error('the OSS request was accepted');
}

/** Step 1 of /user/authnew for a person with a resident ID card (born per the number; 17th digit odd = male). */
export function idCardStep(idNumber: string, over: Record<string, unknown> = {}) {
  const birthday = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
  return {
    step: 1,
    country: '中国',
    firstName: '王',
    secondName: '小明',
    idNumber,
    birthday,
    gender: Number(idNumber[16]) % 2 === 1 ? 1 : 2,
    isChina: 1,
    currentLocation: 1,
    singnTime: '2016-06-01',
    outofTime: '2036-06-01',
    isAllTime: 0,
    ...over,
  };
}

/** The partner's verified identity of a subject, asked of identity-lookup as the gateway asks it. */
export async function findVerifiedIdentity(platform: Platform, partnerId: string, subjectId: string): Promise<identity.FindVerifiedIdentityResponse> {
  const client = new identity.IdentityLookupServiceClient(
    platform.grpcTargets['identity-lookup'],
    platform.pki.credentialsFor('gateway', 'identity-lookup'),
    platform.pki.channelOptions('identity-lookup'),
  );
  try {
    return await new Promise((resolve, reject) =>
      client.findVerifiedIdentity({ partnerId, subjectId, idNumber: '', documentType: identity.DocumentType.DOCUMENT_TYPE_UNSPECIFIED }, new Metadata(), { deadline: Date.now() + 10_000 }, (err: ServiceError | null, res) =>
        err ? reject(err) : resolve(res),
      ),
    );
  } finally {
    client.close();
  }
}
