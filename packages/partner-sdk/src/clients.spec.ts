import { createHmac, generateKeyPairSync, createVerify } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { AppAuthClient } from './app-auth-client';
import { AppAuthError, IdcardCheckError, MemberStatusError, UcenterError, UserValidateError } from './errors';
import { IdcardCheckClient } from './idcard-check-client';
import { MemberStatusClient } from './platform-client';
import { UcenterClient } from './ucenter-client';
import { UserValidateClient } from './user-validate-client';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A stand-in gateway answering every request with the next scripted answer ('hang' never answers). */
let server: http.Server;
let baseUrl: string;
let answer: { status: number; body: unknown } | 'hang';
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen.length = 0;
});

const refusal = async (p: Promise<unknown>) => p.then(
  () => {
    throw new Error('resolved');
  },
  (err: unknown) => err,
);

describe('contract clients', () => {
  it('when seed 000 answers its 400 envelope, then a MemberStatusError carries code and message, and the request was signed', async () => {
    answer = { status: 400, body: { code: 400, data: null, message: '相关注册记录不存在' } };
    const creds = { app_id: '2021081811091302', app_secret: 'secret-1' };
    const err = await refusal(new MemberStatusClient({ baseUrl, credentials: creds }).status({ user_id: 'u-1', member: { id: 1 } }));
    expect(err).toBeInstanceOf(MemberStatusError);
    expect(err).toMatchObject({ httpStatus: 400, code: 400, message: 'member-status: 相关注册记录不存在' });
    const sent = JSON.parse(seen[0].body) as Record<string, string>;
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/platform/member/status' });
    const text = `app_id=${creds.app_id}&member={"id":1}&nonce_str=${sent.nonce_str}&time_stamp=${sent.time_stamp}&user_id=u-1`;
    expect(sent.sign).toBe(createHmac('sha1', creds.app_secret).update(text).digest('hex'));
  });

  it('when seed 001 answers status -1002 with HTTP 200, then an AppAuthError carries the status and message', async () => {
    answer = { status: 200, body: { attachment: null, message: '未认证，或认证失效，请重新认证', status: -1002 } };
    const err = await refusal(new AppAuthClient({ baseUrl, uid: 7, token: 't', local: 'zh-CN' }).livenessResult());
    expect(err).toBeInstanceOf(AppAuthError);
    expect(err).toMatchObject({ status: -1002, httpStatus: 200 });
    expect(JSON.parse(seen[0].body)).toEqual({ uid: 7, token: 't', local: 'zh-CN' });
  });

  it('when seed 002 answers result 404, then a UserValidateError carries the result', async () => {
    answer = { status: 200, body: { version: '0.1', response: { result: 404 }, context: null } };
    const err = await refusal(new UserValidateClient({ baseUrl, userSid: 'sid' }).fetchInfo());
    expect(err).toBeInstanceOf(UserValidateError);
    expect(err).toMatchObject({ result: 404 });
    expect(seen[0].url).toBe('/user/validate/fetch_info/?user_sid=sid');
  });

  it('when seed 003 answers 409, then a UcenterError carries the holder\'s masked mobile and guid', async () => {
    answer = { status: 409, body: { code: 409, message: '当前认证信息已被 180******11 占用', data: { mobileNo: '180******11', guid: '6' } } };
    const err = await refusal(new UcenterClient({ baseUrl }).rnAuth('user-token', { rnAuthPatternCode: 'ECARD', data: { customerCode: '1001' } }));
    expect(err).toBeInstanceOf(UcenterError);
    expect(err).toMatchObject({ code: 409, data: { mobileNo: '180******11', guid: '6' } });
    expect(seen[0].headers).toMatchObject({ authorization: 'user-token', 'x-deepcloud-from': 'client' });
  });

  it('when seed 004 answers success false, then an IdcardCheckError carries the code, and the form was RSA2-signed', async () => {
    answer = { status: 200, body: { code: 'open_auth_user_not_existed_error', success: false, message: '用户不存在', object: null } };
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const err = await refusal(new IdcardCheckClient({ baseUrl, companyId: '42', privateKey }).check({ userId: 'u-9' }));
    expect(err).toBeInstanceOf(IdcardCheckError);
    expect(err).toMatchObject({ code: 'open_auth_user_not_existed_error' });
    expect(seen[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = Object.fromEntries(new URLSearchParams(seen[0].body));
    expect(form).toMatchObject({ companyId: '42', charset: 'utf-8', signType: 'RSA2', bizContent: '{"userId":"u-9"}' });
    const text = `bizContent=${form.bizContent}&charset=utf-8&companyId=42&signType=RSA2&timestamp=${form.timestamp}`;
    expect(createVerify('RSA-SHA256').update(text).verify(publicKey, form.sign, 'base64')).toBe(true);
  });

  it('when the gateway does not answer, then the call fails after its deadline', async () => {
    answer = 'hang';
    const started = Date.now();
    const err = await refusal(new UcenterClient({ baseUrl, timeoutMs: 300 }).result('app-token', 'ticket'));
    expect((err as Error).name).toMatch(/TimeoutError|AbortError/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
