import { createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import express, { NextFunction, Request, Response } from 'express';
import { createLogger } from '@kyc/core';
import { GatewayPorts, PartnerView, VerifiedIdentityView } from '../../application/ports';
import { formatChinaTimestamp } from '../../domain/alipay-signature';
import { ContractContext } from '../contract';
import { idcardCheckContract } from './index';

const companyKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const COMPANY = '2024050112000001';
const OTHER = '2024050112000002';
const ID = '11010119900307123X';
const PHOTO = Buffer.from('jpeg bytes of the ID card front');

const partner = (appId: string, features: string[], active = true): PartnerView & { secret: () => string } => ({
  appId,
  name: appId,
  active,
  features,
  callbackUrl: '',
  secret: () => 'unused',
});

const identity: VerifiedIdentityView = {
  partnerId: COMPANY,
  subjectId: 'subj-a',
  name: '张三',
  idNumber: ID,
  birthDate: '1990-03-07',
  gender: 'M',
  regionCode: '110101',
  address: '北京市东城区',
  documentValidFrom: '2020-01-01',
  documentValidTo: '2040-01-01',
  cardFrontPhotoId: 'subj-a:1',
  cardBackPhotoId: '',
  method: 'MANUAL',
};

const partners: Record<string, ReturnType<typeof partner>> = {
  [COMPANY]: partner(COMPANY, ['idcard-check']),
  [OTHER]: partner(OTHER, ['user-validate']),
};
const keys: Record<string, string> = {
  [COMPANY]: companyKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  [OTHER]: otherKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
};
const subjects: Record<string, string> = { [`${COMPANY}/u-verified`]: 'subj-a', [`${COMPANY}/u-new`]: 'subj-b' };
let downloads = 0;

const ports = {
  partners: { find: async (id: string) => partners[id], publicKeyOf: async (id: string) => keys[id] },
  subjects: {
    findSubject: async (p: string, u: string) => (subjects[`${p}/${u}`] ? { subjectId: subjects[`${p}/${u}`], uid: 1, partnerId: p } : undefined),
    partnerUserIdOf: async (s: string) => (s === 'subj-a' ? 'u-verified' : undefined),
  },
  identities: {
    findVerified: async (q: { partnerId: string; subjectId?: string; idNumber?: string }) =>
      q.partnerId === COMPANY && (q.subjectId === 'subj-a' || q.idNumber === ID) ? identity : undefined,
  },
  photos: {
    download: async (subjectId: string, photoType: number) => {
      downloads++;
      return subjectId === 'subj-a' && photoType === 1 ? { contentType: 'image/jpeg', sizeBytes: PHOTO.length, body: Readable.from([PHOTO]) } : undefined;
    },
  },
} as unknown as GatewayPorts;

const ctx: ContractContext = {
  ports,
  logger: createLogger('idcard-check-spec', 'silent'),
  settings: {
    sessionTtlSeconds: 7200,
    signatureMaxSkewSeconds: 300,
    photo: { maxBytes: 1, transferDeadlineMs: 1000 },
    publicBaseUrl: 'http://gateway.test/',
    urlSigningKey: randomBytes(32),
    signedUrlTtlSeconds: 60,
  },
};

let server: http.Server;
let base: string;
beforeAll(async () => {
  const app = express();
  app.use(idcardCheckContract.router(ctx));
  app.use((_err: Error, _req: Request, res: Response, _next: NextFunction) => idcardCheckContract.replyFrameworkError(res, 'bad-request'));
  server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Signs by the documented rule, written out here rather than taken from the gateway. */
function signed(params: Record<string, string>, alg = 'RSA-SHA256', key = companyKeys.privateKey): Record<string, string> {
  const content = Object.keys(params)
    .filter((k) => params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  return { ...params, sign: createSign(alg).update(content, 'utf8').sign(key, 'base64') };
}

const publicParams = (biz: unknown, over: Record<string, string> = {}) => ({
  companyId: COMPANY,
  charset: 'utf-8',
  signType: 'RSA2',
  bizContent: typeof biz === 'string' ? biz : JSON.stringify(biz),
  timestamp: formatChinaTimestamp(Date.now()),
  ...over,
});

async function check(body: Record<string, string>, as: 'form' | 'json' = 'form') {
  const res = await fetch(`${base}/api/kycloud/open/v1.0/auth/idcard/check`, {
    method: 'POST',
    headers: { 'content-type': as === 'form' ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: as === 'form' ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { code: string | null; success: boolean; message: string | null; object: Record<string, unknown> & { cardFrontUrl: string; cardNumber: string } } };
}

describe('seed 004 idcard check', () => {
  it('answers a verified identity by cardNumber, form-posted and RSA2-signed, with a working photo URL', async () => {
    const { status, body } = await check(signed(publicParams({ cardNumber: ID })));
    expect(status).toBe(200);
    expect(body).toMatchObject({ code: null, success: true, message: null });
    expect(body.object).toMatchObject({ userId: 'u-verified', name: '张三', cardNumber: ID, address: '北京市东城区', startTime: '2020-01-01', entTime: '2040-01-01', cardBackUrl: '', isAuth: true });
    expect(body.object.cardFrontUrl).toMatch(/^http:\/\/gateway\.test\/api\/kycloud\/open\/v1\.0\/files\/[A-Za-z0-9_-]+$/);
    expect(body.object.cardFrontUrl).not.toContain('subj-a');

    const photo = await fetch(body.object.cardFrontUrl.replace('http://gateway.test', base));
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    expect(photo.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await photo.arrayBuffer())).toEqual(PHOTO);
  });

  it('answers by userId in JSON with an RSA (SHA1) signature', async () => {
    const { body } = await check(signed(publicParams({ userId: 'u-verified' }, { signType: 'RSA' }), 'RSA-SHA1'), 'json');
    expect(body.success).toBe(true);
    expect(body.object.cardNumber).toBe(ID);
  });

  it('answers isAuth false, and nothing else, for a user the company knows who is not verified', async () => {
    const { body } = await check(signed(publicParams({ userId: 'u-new' })));
    expect(body.success).toBe(true);
    expect(body.object).toEqual({ userId: 'u-new', name: '', cardNumber: '', address: '', age: '', cardFrontUrl: '', cardBackUrl: '', startTime: '', entTime: '', isAuth: false });
  });

  it.each([
    ['an unknown user id', { userId: 'u-unknown' }],
    ['an ID number not verified under the company', { cardNumber: '110101199003071238' }],
  ])('answers open_auth_user_not_existed_error for %s', async (_what, biz) => {
    const { status, body } = await check(signed(publicParams(biz)));
    expect(status).toBe(200);
    expect(body).toEqual({ code: 'open_auth_user_not_existed_error', success: false, message: '用户不存在', object: null });
  });

  it('refuses a request whose bizContent was changed after signing', async () => {
    const params = signed(publicParams({ cardNumber: '110101199003071238' }));
    const { body } = await check({ ...params, bizContent: JSON.stringify({ cardNumber: ID }) });
    expect(body).toMatchObject({ code: 'open_sign_error', success: false, object: null });
  });

  it('refuses a timestamp six minutes old as expired, even though correctly signed', async () => {
    const { body } = await check(signed(publicParams({ cardNumber: ID }, { timestamp: formatChinaTimestamp(Date.now() - 360_000) })));
    expect(body).toMatchObject({ code: 'open_request_expired', message: '请求过期,请求重新发起', success: false });
  });

  it('refuses unknown companies, companies without the feature, and another company signing for this one', async () => {
    expect((await check(signed(publicParams({ cardNumber: ID }, { companyId: '999' })))).body.code).toBe('open_company_not_existed_error');
    expect((await check(signed(publicParams({ cardNumber: ID }, { companyId: OTHER }), 'RSA-SHA256', otherKeys.privateKey))).body.code).toBe('open_company_forbidden');
    expect((await check(signed(publicParams({ cardNumber: ID }), 'RSA-SHA256', otherKeys.privateKey))).body.code).toBe('open_sign_error');
  });

  it.each([
    ['neither cardNumber nor userId', {}],
    ['both cardNumber and userId', { cardNumber: ID, userId: 'u-verified' }],
    ['a malformed cardNumber', { cardNumber: '1234' }],
    ['bizContent that is not JSON', 'cardNumber=1'],
  ])('answers open_param_error for %s', async (_what, biz) => {
    const { body } = await check(signed(publicParams(biz)));
    expect(body).toMatchObject({ code: 'open_param_error', success: false, object: null });
  });

  it('answers the charset, signType and missing-parameter errors', async () => {
    expect((await check(signed(publicParams({ cardNumber: ID }, { charset: 'gbk' })))).body.code).toBe('open_charset_not_supported');
    expect((await check(signed(publicParams({ cardNumber: ID }, { signType: 'HMAC' })))).body.code).toBe('open_sign_type_not_supported');
    const unsigned: Record<string, string> = signed(publicParams({ cardNumber: ID }));
    delete unsigned.sign;
    expect((await check(unsigned)).body).toMatchObject({ code: 'open_param_error', message: expect.stringContaining('sign') });
  });

  it('serves nothing for an altered photo token, with no detail', async () => {
    const { body } = await check(signed(publicParams({ cardNumber: ID })));
    const url: string = body.object.cardFrontUrl.replace('http://gateway.test', base);
    const before = downloads;
    const altered = await fetch(`${url.slice(0, -2)}${url.endsWith('AA') ? 'BB' : 'AA'}`);
    expect(altered.status).toBe(404);
    expect(await altered.text()).toBe('');
    expect(downloads).toBe(before);
  });
});
