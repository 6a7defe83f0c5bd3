/**
 * Seed 003 through the real stack: tokens minted by the partner-signed endpoints, rnauth by the
 * roster patterns (IMPORT, IMPORT-ECARD, RELATION types 1 and 2) against the sandbox demo rosters
 * imported with kyc roster import, ECARD and the e-card branches through the real HTTP e-card
 * adapter against a local e-card connector stub (school 1002), WECHAT-FACE and UNIONPAY-FACE
 * against their sandboxes, MOBILE with codes sent through the notifier's sandbox SMS (read back from
 * its development outbox directory): expiry, attempt limit and rate limits; each success and
 * failure code, a provider timeout and an open breaker,
 * information already held by another user (409 naming them, 410 when the holder has no verified
 * mobile or the partner turned merging off), and the result query by rnAuthTicket from the
 * owning and from another partner.
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createPartner, findRepoRoot, PartnerCredentials, Platform, signBody } from '@kyc/dev-platform';
import { EcardStub, HANG, startEcardStub } from '@kyc/provider-stubs';
import { CallbackReceiver, WEBHOOK_OK } from '../support/callback-receiver';
import { bootPlatform, eventually, infra, withMongo } from '../support/fixtures';
import { idNumber } from '../support/identities';
import { runRosterCli } from '../support/roster-cli';

const RNAUTH = '/api/ucenter-service-provider/api/user/rnauth';
const RESULT_PATHS = ['/api/ucenter-service-provider/api/user/rnauth/result', '/api/ucenter-service-provider/api/user/getresult'];
const FEATURES = 'user-validate,campus-auth';

const TEACHER = { name: '刘大宝', identityNo: '410102198504120315', outid: '150940', customerCode: '1001' };
const MOTHER = { name: '王丽', identityNo: '410102198702030425' };

let platform: Platform;
let campus: PartnerCredentials;
let other: PartnerCredentials;
let receiver: CallbackReceiver;
let ecard: EcardStub;
let ecardDir = '';

type Answer = { status: number; body: { code: number; message: string; data: any } };

async function post(urlPath: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${platform.gatewayUrl}${urlPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

async function userOf(partner: PartnerCredentials, userId: string): Promise<{ token: string; guid: string }> {
  const { body } = await post('/api/platform/session', signBody(partner, { user_id: userId }));
  expect(body.code).toBe(200);
  return { token: body.data.access_token, guid: body.data.guid };
}

async function appTokenOf(partner: PartnerCredentials): Promise<string> {
  const { body } = await post('/api/platform/app-token', signBody(partner, { grant_type: 'client_credentials' }));
  expect(body.code).toBe(200);
  return body.data.access_token;
}

const rnauth = (token: string, body: unknown, headers: Record<string, string> = { 'x-deepcloud-from': 'client' }) =>
  post(RNAUTH, body, { ...headers, authorization: token });

async function result(token: string, ticket: string, urlPath = RESULT_PATHS[0], from = 'client'): Promise<Answer> {
  const res = await fetch(`${platform.gatewayUrl}${urlPath}?rnAuthTicket=${encodeURIComponent(ticket)}`, {
    headers: { authorization: token, 'x-deepcloud-from': from },
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const importBody = (data: Record<string, unknown>, guid?: string) => ({ rnAuthPatternCode: 'IMPORT', ...(guid ? { guid } : {}), data: { ...TEACHER, ...data } });

async function importRoster(partner: PartnerCredentials, customerCode: string, name: string, ecard: boolean, dpcode: string) {
  const env = { MONGO_URL: infra().mongoUrl, MONGO_DB: platform.dbName('identity-lookup'), KYC_MASTER_KEY: platform.masterKey };
  const file = path.join(findRepoRoot(), `services/identity-lookup/sandbox/demo-roster-${customerCode}.csv`);
  const run = await runRosterCli(env, [
    'import',
    '--partner',
    partner.app_id,
    '--customer-code',
    customerCode,
    '--name',
    name,
    '--ecard-school',
    String(ecard),
    '--dpcode',
    dpcode,
    '--file',
    file,
  ]);
  expect(run).toMatchObject({ code: 0, rejected: [] });
}

/** Moves a stored credential's expiry into the past, as time would (both stores keep the SHA-256 of the token). */
async function expire(collection: 'sessions' | 'app_tokens', token: string) {
  const _id = createHash('sha256').update(token).digest('hex');
  await withMongo((c) => c.db(platform.dbName('gateway')).collection<{ _id: string }>(collection).updateOne({ _id }, { $set: { expiresAt: new Date(Date.now() - 1000) } }));
}

beforeAll(async () => {
  // School 1002 runs an e-card system: its connector is the stub, reached by the real HTTP adapter.
  ecard = await startEcardStub({ '1002': 'aes-256-gcm' });
  ecard.setAccount('1002', '350002', { name: '三五二', password: '123456' });
  ecardDir = await mkdtemp(path.join(os.tmpdir(), 'kyc-ecard-'));
  const schoolsFile = path.join(ecardDir, 'schools.json');
  await writeFile(schoolsFile, JSON.stringify({ '1002': ecard.school('1002') }));
  platform = await bootPlatform('ucenter', {
    ECARD_MODE: 'http',
    ECARD_SCHOOLS_FILE: schoolsFile,
    ECARD_TIMEOUT_MS: '400',
    ECARD_BREAKER_VOLUME: '3',
    ECARD_BREAKER_RESET_MS: '60000',
    WECHAT_FACE_TIMEOUT_MS: '300',
    MOBILE_CODE_RESEND_AFTER_MS: '1500',
    MOBILE_CODE_MAX_PER_NUMBER: '2',
    MOBILE_CODE_MAX_PER_SUBJECT: '3',
    MOBILE_CODE_MAX_ATTEMPTS: '3',
    // A merge interrupted by a crash is taken up again once its lease has run out.
    VERIFICATION_LEASE_MS: '5000',
  });
  receiver = await new CallbackReceiver(() => WEBHOOK_OK).start();
  campus = await createPartner(platform, 'campus', FEATURES);
  other = await createPartner(platform, 'other campus', FEATURES);
  const cli = path.join(findRepoRoot(), 'packages/operator-cli/dist/main.js');
  await promisify(execFile)(process.execPath, [cli, 'partner', 'set-callback', '--app-id', campus.app_id, '--url', receiver.url()], {
    env: { ...process.env, ...platform.gatewayEnv },
  });
  await importRoster(campus, '1001', '郑州枫杨外国语学校', false, '00000000');
  await importRoster(campus, '1002', '第二实验小学', true, '10020000');
});
afterAll(async () => {
  await receiver?.close();
  await platform?.stop();
  await ecard?.close();
  if (ecardDir) await rm(ecardDir, { recursive: true, force: true });
});

describe('seed 003 tokens', () => {
  it('when a session is minted, then it also carries the access_token and the guid (decimal string) of the user, stable across sessions', async () => {
    const first = await userOf(campus, 'tok-1');
    const again = await userOf(campus, 'tok-1');
    expect(first.guid).toMatch(/^\d+$/);
    expect(again.guid).toBe(first.guid);
    expect(again.token).not.toBe(first.token);
  });

  it('when a partner without campus-auth asks for an app token or calls rnauth, then 403; a bad grant_type is 400', async () => {
    const plain = await createPartner(platform, 'plain', 'user-validate');
    expect((await post('/api/platform/app-token', signBody(plain, { grant_type: 'client_credentials' }))).status).toBe(403);
    expect((await rnauth((await userOf(plain, 'plain-user')).token, importBody({}))).body).toEqual({ code: 403, message: '该应用未开通实名认证功能', data: {} });
    expect((await post('/api/platform/app-token', signBody(campus, { grant_type: 'password' }))).body).toMatchObject({ code: 400 });
  });

  it('when a user token has expired, then rnauth answers 401; an app token is no user token', async () => {
    const user = await userOf(campus, 'tok-2');
    await expire('sessions', user.token);
    expect(await rnauth(user.token, importBody({}))).toEqual({ status: 401, body: { code: 401, message: 'access_token 无效或已过期', data: {} } });
    expect((await rnauth(await appTokenOf(campus), importBody({}))).status).toBe(401);
    expect((await rnauth('', importBody({}))).status).toBe(401);
  });

  it('when x-deepcloud-from is missing, then 400', async () => {
    const user = await userOf(campus, 'tok-3');
    expect((await rnauth(user.token, importBody({}), {})).body).toMatchObject({ code: 400, message: '请求头 x-deepcloud-from 必须为 client' });
  });
});

describe('IMPORT', () => {
  let ticket = '';

  it('when name, ID number, outid, school and role match the roster, then the seed data comes back and the partner gets its callback', async () => {
    const user = await userOf(campus, 'teacher');
    const { status, body } = await rnauth(user.token, importBody({ role: 2 }, user.guid));
    expect(status).toBe(200);
    expect(body).toMatchObject({
      code: 200,
      message: 'OK',
      data: {
        guid: user.guid,
        rnAuthTicket: expect.any(String),
        role: 2,
        customerCode: '1001',
        customerName: '郑州枫杨外国语学校',
        ecardSchool: false,
        dpcode: '00000000',
        memberId: expect.any(String),
        serialNo: '150940',
        deptInfo: expect.arrayContaining([expect.objectContaining({ deptName: '2018级1班', position: '语文老师', supervisor: true, customerCode: '1001' })]),
        relativeInfo: [expect.objectContaining({ outid: '150941', realName: '刘小宝', relation: 'F', identityNo: null, mobileNo: null })],
      },
    });
    ticket = body.data.rnAuthTicket;
    const callback = await eventually(async () => receiver.where((r) => r.json?.data?.method === 'roster-import')[0]);
    expect(callback.json.data).toMatchObject({ status: 'succeeded', result_code: 'OK' });
    expect(callback.body).not.toContain(TEACHER.identityNo);
  });

  it('when the owning partner asks by ticket at either path, then the verified name and ID number come back', async () => {
    const app = await appTokenOf(campus);
    for (const urlPath of RESULT_PATHS) {
      const { status, body } = await result(app, ticket, urlPath);
      expect(status).toBe(200);
      expect(body.data).toEqual({
        result: true,
        deviceId: null,
        memberId: expect.any(String),
        identifyTime: expect.any(Number),
        finishTime: expect.any(Number),
        realName: TEACHER.name,
        identityNo: TEACHER.identityNo,
      });
    }
  });

  it('when another partner, a user token or an expired app token asks by ticket, then nothing is revealed', async () => {
    expect(await result(await appTokenOf(other), ticket)).toEqual({ status: 404, body: { code: 404, message: 'rnAuthTicket 不存在', data: {} } });
    expect((await result((await userOf(campus, 'teacher')).token, ticket)).status).toBe(401);
    const app = await appTokenOf(campus);
    await expire('app_tokens', app);
    expect((await result(app, ticket)).status).toBe(401);
    expect((await result(await appTokenOf(campus), ticket, RESULT_PATHS[1], 'server')).status).toBe(400);
  });

  it('when another user of the partner claims the verified identity and its holder has no verified mobile, then 410 (no merge offered)', async () => {
    const user = await userOf(campus, 'impostor');
    expect(await rnauth(user.token, importBody({}))).toEqual({ status: 410, body: { code: 410, message: '当前认证信息已被占用，请联系人工客服', data: {} } });
  });

  it('when the guid is not the token user, then 403 and nothing is verified', async () => {
    const user = await userOf(campus, 'guid-mismatch');
    expect((await rnauth(user.token, importBody({}, `${user.guid}0`))).body).toMatchObject({ code: 403, message: 'guid 与 access_token 的用户不符' });
  });

  it.each([
    ['ROSTER.ID_MISMATCH', { identityNo: '410102199007200917' }],
    ['ROSTER.NAME_MISMATCH', { name: '刘二宝' }],
    ['ROSTER.NOT_ON_ROSTER', { outid: '999999' }],
    ['ROSTER.ROLE_MISMATCH', { role: 1 }],
    ['ROSTER.NO_SUCH_SCHOOL', { customerCode: '9999' }],
    ['ROSTER.ID_NOT_ON_ROSTER', { name: '李四', outid: '150943', identityNo: '410102199007200917' }],
  ])('when the roster says %s, then 422 with that reason and a ticket whose result is false', async (reason, data) => {
    const user = await userOf(campus, `import-${reason}`);
    const { status, body } = await rnauth(user.token, importBody(data));
    expect({ status, code: body.code, reason: body.data.reason }).toEqual({ status: 422, code: 422, reason });
    const looked = await result(await appTokenOf(campus), body.data.rnAuthTicket);
    expect(looked.body.data).toMatchObject({ result: false, realName: null, identityNo: null, finishTime: expect.any(Number) });
  });

  it('when the ID number is not a valid one or a field is missing, then 400 naming it', async () => {
    const user = await userOf(campus, 'import-bad');
    expect((await rnauth(user.token, importBody({ identityNo: '410102198504120316' }))).body).toMatchObject({ code: 400, message: 'data.identityNo 不是有效的身份证号' });
    expect((await rnauth(user.token, importBody({ outid: undefined }))).body).toMatchObject({ code: 400, message: 'data.outid 必填' });
  });
});

describe('IMPORT-ECARD (whitelist)', () => {
  it('when outid and name match at a school without e-card, then verified; the roster had no ID number, so none is shown', async () => {
    const user = await userOf(campus, 'whitelist');
    const { status, body } = await rnauth(user.token, { rnAuthPatternCode: 'IMPORT-ECARD', data: { name: '李四', outid: '150943', role: 4 } });
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ role: 4, serialNo: '150943', customerCode: '1001', deptInfo: [expect.objectContaining({ deptName: '后勤处', position: '保安' })] });
    const looked = await result(await appTokenOf(campus), body.data.rnAuthTicket, RESULT_PATHS[1]);
    expect(looked.body.data).toMatchObject({ result: true, realName: '李四', identityNo: null });
  });

  it("when the school runs an e-card system, then the password is checked by the school's connector: missing is 400, wrong is 422, right is verified", async () => {
    const user = await userOf(campus, 'ecard-student');
    const whitelist = (password?: string) => ({ rnAuthPatternCode: 'IMPORT-ECARD', data: { name: '三五二', outid: '350002', customerCode: '1002', ...(password ? { password } : {}) } });
    expect((await rnauth(user.token, whitelist())).body).toMatchObject({ code: 400, message: 'data.password 必填' });
    expect((await rnauth(user.token, whitelist('000000'))).body).toMatchObject({ code: 422, data: { reason: 'ECARD.WRONG_PASSWORD' } });
    const { status, body } = await rnauth(user.token, whitelist('123456'));
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ customerCode: '1002', ecardSchool: true, dpcode: '10020000', serialNo: '350002', ecardCustomerId: 'E350002' });
    expect(ecard.calls('350002').map((c) => c.password)).toEqual(['000000', '123456']);
  });

  it('when the name does not match, then 422 ROSTER.NAME_MISMATCH in the named school, ROSTER.NOT_ON_ROSTER across schools', async () => {
    const user = await userOf(campus, 'whitelist-name');
    const named = await rnauth(user.token, { rnAuthPatternCode: 'IMPORT-ECARD', data: { name: '李五', outid: '150943', customerCode: '1001' } });
    expect(named.body).toMatchObject({ code: 422, data: { reason: 'ROSTER.NAME_MISMATCH' } });
    const anywhere = await rnauth(user.token, { rnAuthPatternCode: 'IMPORT-ECARD', data: { name: '李五', outid: '150943' } });
    expect(anywhere.body).toMatchObject({ code: 422, data: { reason: 'ROSTER.NOT_ON_ROSTER' } });
  });
});

describe('RELATION', () => {
  const relation = (data: Record<string, unknown>) => ({
    rnAuthPatternCode: 'RELATION',
    data: { ...MOTHER, relation: 'M', outid: '150941', childName: '刘小宝', customerCode: '1001', type: 2, ...data },
  });

  it("when the child's roster lists the parent with that relation, then verified as a parent with the child in relativeInfo", async () => {
    const user = await userOf(campus, 'mother');
    const { status, body } = await rnauth(user.token, relation({}));
    expect(status).toBe(200);
    expect(body.data).toMatchObject({
      role: 3,
      customerCode: '1001',
      relativeInfo: [expect.objectContaining({ outid: '150941', realName: '刘小宝', relation: 'M', deptInfo: [expect.objectContaining({ deptName: '2018级1班' })] })],
    });
    const looked = await result(await appTokenOf(campus), body.data.rnAuthTicket);
    // The roster listed her ID number, but its answer does not say it compared one: not shown as proved.
    expect(looked.body.data).toMatchObject({ result: true, realName: MOTHER.name, identityNo: null });
  });

  it.each([
    ['ROSTER.RELATION_MISMATCH', { relation: 'F' }],
    ['ROSTER.RELATIVE_NOT_LISTED', { name: '王美', identityNo: undefined }],
    ['ROSTER.NAME_MISMATCH', { childName: '刘中宝' }],
  ])('when the roster says %s, then 422 with that reason', async (reason, data) => {
    const user = await userOf(campus, `relation-${reason}`);
    const { body } = await rnauth(user.token, relation(data));
    expect(body).toMatchObject({ code: 422, data: { reason } });
  });

  it("when type 1 (e-card) is asked, then the child's e-card password proves the relation, the roster need not list the parent", async () => {
    const user = await userOf(campus, 'relation-ecard');
    const byEcard = (data: Record<string, unknown>) => relation({ type: 1, outid: '350002', childName: '三五二', customerCode: '1002', relation: 'M', ...data });
    expect((await rnauth(user.token, byEcard({}))).body).toMatchObject({ code: 400, message: 'data.password 必填' });
    expect((await rnauth(user.token, byEcard({ password: '111111' }))).body).toMatchObject({ code: 422, data: { reason: 'ECARD.WRONG_PASSWORD' } });
    const { status, body } = await rnauth(user.token, byEcard({ password: '123456' }));
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ role: 3, customerCode: '1002', ecardSchool: true, relativeInfo: [expect.objectContaining({ outid: '350002', relation: 'M' })] });
    // At a school without an e-card system there is nothing to check the password against.
    expect((await rnauth(user.token, relation({ type: 1, password: '123456' }))).body).toMatchObject({ code: 501, data: { reason: 'ECARD.NOT_AVAILABLE' } });
  });
});

describe('MERGE without a 409 before it', () => {
  it.each(['MERGE', 'MEGRE'])('when %s lacks a field, then 400 naming it; without a 409 to follow, 400', async (pattern) => {
    const user = await userOf(campus, 'merge-alone');
    expect((await rnauth(user.token, { rnAuthPatternCode: pattern, data: {} })).body).toEqual({ code: 400, message: 'data.code 必填', data: {} });
    const body = { rnAuthPatternCode: pattern, data: { code: '123456', oldGuid: '1', authInfo: { mobileNo: '13800138000' } } };
    expect((await rnauth(user.token, body)).body).toEqual({ code: 400, message: 'oldGuid 不是待合并的用户，请重新认证', data: {} });
  });
});

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

describe('ECARD', () => {
  const ecardBody = (data: Record<string, unknown>) => ({ rnAuthPatternCode: 'ECARD', data: { outid: '350002', name: '三五二', password: '123456', ...data } });

  it("when outid, name and e-card password are the seed example's, then verified with the school's data; the ticket shows the roster identity", async () => {
    const user = await userOf(campus, 'ecard-student');
    const { status, body } = await rnauth(user.token, { ...ecardBody({}), guid: user.guid });
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ guid: user.guid, role: 1, customerCode: '1002', customerName: '第二实验小学', ecardSchool: true, serialNo: '350002' });
    const looked = await result(await appTokenOf(campus), body.data.rnAuthTicket);
    expect(looked.body.data).toMatchObject({ result: true, realName: '三五二', identityNo: '410105201006110222' });
    expect(JSON.stringify(receiver.where((r) => r.json?.data?.method === 'ecard-password'))).not.toContain('123456');
  });

  it('when the e-card system has no such card, another holder, a wrong password or a locked card, then 422 with that reason', async () => {
    const user = await userOf(campus, 'ecard-failures');
    const teacher = ecardBody({ outid: '350101', name: '赵六', password: '888888' });
    expect((await rnauth(user.token, teacher)).body).toMatchObject({ code: 422, message: '一卡通系统中没有该学工号', data: { reason: 'ECARD.NO_ACCOUNT' } });
    ecard.setAccount('1002', '350101', { name: '赵大', password: '888888' });
    expect((await rnauth(user.token, teacher)).body).toMatchObject({ code: 422, data: { reason: 'ECARD.NAME_MISMATCH' } });
    ecard.setAccount('1002', '350101', { name: '赵六', password: '999999' });
    expect((await rnauth(user.token, teacher)).body).toMatchObject({ code: 422, message: '一卡通密码错误', data: { reason: 'ECARD.WRONG_PASSWORD' } });
    ecard.setAccount('1002', '350101', { name: '赵六', password: '888888', locked: true });
    expect((await rnauth(user.token, teacher)).body).toMatchObject({ code: 422, data: { reason: 'ECARD.LOCKED' } });
  });

  it('when the school runs no e-card system, the roster does not know the person, or the password is missing, then 501, 422 or 400', async () => {
    const user = await userOf(campus, 'ecard-refused');
    expect((await rnauth(user.token, ecardBody({ outid: '150940', name: '刘大宝' }))).body).toMatchObject({ code: 501, data: { reason: 'ECARD.NOT_AVAILABLE' } });
    expect((await rnauth(user.token, ecardBody({ outid: '359999' }))).body).toMatchObject({ code: 422, data: { reason: 'ROSTER.NOT_ON_ROSTER' } });
    expect((await rnauth(user.token, ecardBody({ password: undefined }))).body).toMatchObject({ code: 400, message: 'data.password 必填' });
  });
});

describe('WECHAT-FACE', () => {
  const PERSON = { realName: '王五', identityNo: idNumber('110101', '19900307', 423) };
  const verifyResult = (outcome: string, who = PERSON) => `sandbox.${outcome}.${md5(who.identityNo.toUpperCase())}.${md5(who.realName)}`;
  const wechat = (data: Record<string, unknown>) => ({ rnAuthPatternCode: 'WECHAT-FACE', data: { accessToken: 'partner-app-token', deviceId: 'D2486350057', ...PERSON, ...data } });

  it("when WeChat's result query proves this name and ID number, then verified; the same verifyResult again is refused", async () => {
    const user = await userOf(campus, 'wechat-user');
    const body = wechat({ verifyResult: verifyResult('pass') });
    const first = await rnauth(user.token, body);
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ guid: user.guid, deviceId: 'D2486350057', role: null, rnAuthTicket: expect.any(String) });
    const looked = await result(await appTokenOf(campus), first.body.data.rnAuthTicket);
    expect(looked.body.data).toMatchObject({ result: true, realName: PERSON.realName, identityNo: PERSON.identityNo });
    expect(await rnauth(user.token, body)).toEqual({ status: 422, body: { code: 422, message: 'data.verifyResult 已使用，请重新进行人脸认证', data: {} } });
  });

  it.each([
    ['WECHAT_FACE.ID_MISMATCH', () => verifyResult('pass', { ...PERSON, identityNo: idNumber('110101', '19900307', 424) })],
    ['WECHAT_FACE.NAME_MISMATCH', () => verifyResult('pass', { ...PERSON, realName: '王六' })],
    ['WECHAT_FACE.NOT_PASSED', () => verifyResult('fail')],
    ['WECHAT_FACE.STALE', () => verifyResult('stale')],
  ])('when the result does not prove the claim (%s), then 422 with that reason', async (reason, made) => {
    const user = await userOf(campus, `wechat-${reason}`);
    expect((await rnauth(user.token, wechat({ verifyResult: made() }))).body).toMatchObject({ code: 422, data: { reason } });
  });

  it('when WeChat is down or silent, then 503 with the retriable provider code; an unknown verifyResult is 400', async () => {
    const user = await userOf(campus, 'wechat-down');
    expect((await rnauth(user.token, wechat({ verifyResult: 'sandbox.down' }))).body).toMatchObject({ code: 503, data: { reason: 'KYC.WECHAT_FACE.UNAVAILABLE' } });
    expect((await rnauth(user.token, wechat({ verifyResult: 'sandbox.hang' }))).body).toMatchObject({ code: 503, data: { reason: 'KYC.WECHAT_FACE.TIMEOUT' } });
    expect((await rnauth(user.token, wechat({ verifyResult: 'no-such-result' }))).body).toMatchObject({ code: 400, message: 'data.verifyResult 无效' });
  });
});

describe('UNIONPAY-FACE', () => {
  const unionpay = (certCode: string, faceImage = Buffer.from('a face').toString('base64')) => ({
    rnAuthPatternCode: 'UNIONPAY-FACE',
    data: {
      token: 'up-token', sign: 'up-sign', ts: Date.now(), action: 'faceVerify', txnTime: '20261123150000', txnSrc: 'app', orgCode: 'ORG1',
      orgSeq: `SEQ-${certCode}`, comUserId: 'U1', authCode: 'A1', sceneCode: 'S1', protocoVerison: '1.0', authSeq: 'AS1', name: '孙七',
      certType: '01', certCode, faceImage,
    },
  });

  it('when UnionPay finds the face is the ID holder\'s, then verified; when not, 422; when down, 503 with the provider code', async () => {
    const user = await userOf(campus, 'unionpay-user');
    // A phone camera's face photo: a few hundred kB of base64 inside the JSON.
    const photo = randomBytes(450 * 1024).toString('base64');
    const passed = await rnauth(user.token, unionpay(idNumber('110101', '19900307', 425), photo));
    expect(passed.status).toBe(200);
    const tooLarge = await rnauth(user.token, unionpay(idNumber('110101', '19900307', 425), randomBytes(900 * 1024).toString('base64')));
    expect(tooLarge).toEqual({ status: 400, body: { code: 400, message: '请求参数错误', data: {} } });
    expect(passed.body.data).toMatchObject({ guid: user.guid, role: null });
    const other = await userOf(campus, 'unionpay-other');
    expect((await rnauth(other.token, unionpay(idNumber('110101', '19900307', 960)))).body).toMatchObject({ code: 422, data: { reason: 'UNIONPAY_FACE.FAILED' } });
    expect((await rnauth(other.token, unionpay(idNumber('110101', '19900307', 967)))).body).toMatchObject({ code: 503, data: { reason: 'KYC.UNIONPAY_FACE.UNAVAILABLE' } });
  });
});

const MOBILE_CODE = '/api/ucenter-service-provider/api/user/rnauth/mobile-code';
const sendCode = (token: string, mobileNo?: string) => post(MOBILE_CODE, mobileNo === undefined ? {} : { mobileNo }, { 'x-deepcloud-from': 'client', authorization: token });
const mobileBody = (mobileNo: string, code: string) => ({ rnAuthPatternCode: 'MOBILE', data: { mobileNo, code } });
/** The code the notifier's sandbox "sent" to the number after `since` (its development outbox directory). */
const codeSentTo = (mobile: string, since: number) =>
  eventually(async () => {
    const sent = JSON.parse(await readFile(path.join(platform.logDir, 'sms', `${mobile}.json`), 'utf8')) as { params: { code: string }; sentAt: string };
    return Date.parse(sent.sentAt) >= since ? sent.params.code : undefined;
  });
/** A new user of a partner (the campus one unless given) who asked for a code to `mobile`, and the code the SMS carried. */
async function userWithCode(userId: string, mobile: string, partner = campus) {
  const user = await userOf(partner, userId);
  const since = Date.now();
  expect((await sendCode(user.token, mobile)).status).toBe(200);
  return { user, since, code: await codeSentTo(mobile, since) };
}

describe('MOBILE', () => {
  const otherThan = (code: string) => (code === '000000' ? '111111' : '000000');

  it('when the code sent to the number is typed in, then verified (no roster role, no identity shown); the code works once', async () => {
    const user = await userOf(campus, 'mobile-user');
    const since = Date.now();
    expect(await sendCode(user.token, '+86 138 0013 8001')).toEqual({ status: 200, body: { code: 200, message: 'OK', data: { expiresIn: 300, resendIn: 2 } } });
    const code = await codeSentTo('13800138001', since);
    const { status, body } = await rnauth(user.token, mobileBody('13800138001', code));
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ guid: user.guid, role: null, rnAuthTicket: expect.any(String) });
    expect((await result(await appTokenOf(campus), body.data.rnAuthTicket)).body.data).toMatchObject({ result: true, realName: null, identityNo: null });
    expect((await rnauth(user.token, mobileBody('13800138001', code))).body).toMatchObject({ code: 422, data: { reason: 'MOBILE.NO_CODE' } });
  });

  it('when wrong codes use up the attempts, then even the right code is refused', async () => {
    const { user, code } = await userWithCode('mobile-attempts', '13800138002');
    for (let i = 0; i < 3; i += 1) {
      expect((await rnauth(user.token, mobileBody('13800138002', otherThan(code)))).body).toMatchObject({ code: 422, message: '验证码错误', data: { reason: 'MOBILE.WRONG_CODE' } });
    }
    expect((await rnauth(user.token, mobileBody('13800138002', code))).body).toMatchObject({ code: 422, data: { reason: 'MOBILE.TOO_MANY_ATTEMPTS' } });
  });

  it('when the code has expired, then it is refused; a number no code was sent to is refused too', async () => {
    const { user, since, code } = await userWithCode('mobile-expiry', '13800138003');
    await withMongo((c) =>
      c
        .db(platform.dbName('realname-pattern'))
        .collection('mobile_codes')
        .updateMany({ createdAt: { $gte: new Date(since) } }, { $set: { expiresAt: new Date(Date.now() - 1000) } }),
    );
    expect((await rnauth(user.token, mobileBody('13800138003', code))).body).toMatchObject({ code: 422, data: { reason: 'MOBILE.CODE_EXPIRED' } });
    expect((await rnauth(user.token, mobileBody('13800138009', '123456'))).body).toMatchObject({ code: 422, message: '请先获取验证码', data: { reason: 'MOBILE.NO_CODE' } });
  });

  it('when codes are asked for too soon, too often for one number, or too often by one user, then 429', async () => {
    const user = await userOf(campus, 'mobile-limits');
    const limited = { status: 429, body: { code: 429, message: '验证码发送过于频繁，请稍后再试', data: {} } };
    expect((await sendCode(user.token, '13800138004')).status).toBe(200);
    expect(await sendCode(user.token, '13800138004')).toEqual(limited);
    const other = await userOf(campus, 'mobile-limits-other');
    expect(await sendCode(other.token, '13800138004')).toEqual(limited);
    await new Promise((r) => setTimeout(r, 1_600));
    expect((await sendCode(user.token, '13800138004')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_600));
    expect(await sendCode(other.token, '13800138004')).toEqual(limited);
    expect((await sendCode(user.token, '13800138005')).status).toBe(200);
    expect(await sendCode(user.token, '13800138006')).toEqual(limited);
  });

  it('when the number is not a mainland mobile or missing, then 400 and nothing is sent', async () => {
    const user = await userOf(campus, 'mobile-bad');
    expect((await sendCode(user.token, '12345678901')).body).toEqual({ code: 400, message: 'mobileNo 不是有效的手机号', data: {} });
    expect((await sendCode(user.token)).body).toMatchObject({ code: 400, message: 'mobileNo 必填' });
    expect((await rnauth(user.token, mobileBody('12345678901', '123456'))).body).toMatchObject({ code: 400, message: 'mobileNo 不是有效的手机号' });
  });
});

describe('information already verified by another user (409 / 410), then MERGE', () => {
  const STUDENT = { name: '张三', identityNo: '410102201203150734', outid: '150942', customerCode: '1001' };
  /** The IMPORT 409 below: its holder (with verified mobile 13800138011) and the user answered 409. */
  let holder: { token: string; guid: string };
  let taker: { token: string; guid: string };
  let mergeCode = '';
  let merged: Answer;
  const mergeBody = (code: string, authInfo: Record<string, unknown> = STUDENT, pattern = 'MERGE') => ({
    rnAuthPatternCode: pattern,
    data: { code, oldGuid: holder.guid, authInfo },
  });
  const subjectOf = async (guid: string) =>
    (await withMongo((c) => c.db(platform.dbName('gateway')).collection<{ _id: string }>('subjects').findOne({ uid: Number(guid) })))!._id;
  /** Who holds the records in identity-lookup, by the two users' subject ids. */
  async function holders() {
    const [old, young] = [await subjectOf(holder.guid), await subjectOf(taker.guid)];
    const count = (collection: string, subjectId: string) =>
      withMongo((c) => c.db(platform.dbName('identity-lookup')).collection(collection).countDocuments({ partnerId: campus.app_id, subjectId }));
    return {
      identity: { old: await count('verified_identities', old), new: await count('verified_identities', young) },
      mobile: { old: await count('verified_mobiles', old), new: await count('verified_mobiles', young) },
    };
  }
  /** A user who proved `mobile` with the MOBILE pattern. */
  async function mobileHolder(userId: string, mobile: string, partner = campus) {
    const holder = await userWithCode(userId, mobile, partner);
    expect((await rnauth(holder.user.token, mobileBody(mobile, holder.code))).status).toBe(200);
    return holder.user;
  }
  /** The resend interval per number (MOBILE_CODE_RESEND_AFTER_MS) before a second user asks for a code to it. */
  const resendPause = () => new Promise((r) => setTimeout(r, 1_600));

  it('when a number another user verified is proved, then 409 with their masked mobile and guid, and the attempt is kept without personal data in clear', async () => {
    const holder = await mobileHolder('held-mobile-holder', '13800138010');
    await resendPause();
    const taker = await userWithCode('held-mobile-taker', '13800138010');
    expect(await rnauth(taker.user.token, mobileBody('13800138010', taker.code))).toEqual({
      status: 409,
      body: { code: 409, message: '当前认证信息已被 138******10 占用', data: { mobileNo: '138******10', guid: holder.guid } },
    });
    const kept = await withMongo((c) => c.db(platform.dbName('gateway')).collection('merge_attempts').find({ partnerId: campus.app_id }).toArray());
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ authInfoFingerprint: expect.any(String), expiresAt: expect.any(Date) });
    expect(JSON.stringify(kept)).not.toContain('13800138010');
  });

  it('when an ID number held by a user with a verified mobile is proved by IMPORT, then 409 names that user', async () => {
    holder = await userOf(campus, 'held-id-holder');
    expect((await rnauth(holder.token, { rnAuthPatternCode: 'IMPORT', data: STUDENT })).status).toBe(200);
    await mobileHolder('held-id-holder', '13800138011');
    taker = await userOf(campus, 'held-id-taker');
    expect((await rnauth(taker.token, { rnAuthPatternCode: 'IMPORT', data: STUDENT })).body).toEqual({
      code: 409,
      message: '当前认证信息已被 138******11 占用',
      data: { mobileNo: '138******11', guid: holder.guid },
    });
  });

  it('when the 409 user asks for the MERGE code with the holder\'s guid, then it goes to the holder\'s verified mobile; another guid is refused', async () => {
    const send = (oldGuid: string) => post(MOBILE_CODE, { oldGuid }, { 'x-deepcloud-from': 'client', authorization: taker.token });
    expect(await send(taker.guid)).toEqual({ status: 400, body: { code: 400, message: 'oldGuid 不是待合并的用户，请重新认证', data: {} } });
    await resendPause();
    const since = Date.now();
    expect((await send(holder.guid)).body).toEqual({ code: 200, message: 'OK', data: { expiresIn: 300, resendIn: 2 } });
    mergeCode = await codeSentTo('13800138011', since);
  });

  it('when MERGE carries a wrong code, then 422 MOBILE.WRONG_CODE and nothing moves', async () => {
    const wrong = mergeCode === '000000' ? '111111' : '000000';
    expect((await rnauth(taker.token, mergeBody(wrong))).body).toMatchObject({ code: 422, message: '验证码错误', data: { reason: 'MOBILE.WRONG_CODE' } });
    expect(await holders()).toEqual({ identity: { old: 1, new: 0 }, mobile: { old: 1, new: 0 } });
  });

  it('when MERGE carries an authInfo other than the 409 attempt\'s, then 400 and the code is not spent', async () => {
    expect((await rnauth(taker.token, mergeBody(mergeCode, { ...STUDENT, outid: '150941' }))).body).toEqual({
      code: 400,
      message: 'data.authInfo 与触发合并的认证信息不符',
      data: {},
    });
    expect((await rnauth(taker.token, mergeBody(mergeCode, { ...STUDENT, extra: 1 }, 'MEGRE'))).body).toMatchObject({ code: 400 });
  });

  it('when realname-pattern is SIGKILLed in the middle of a merge, then after its restart exactly the new user holds the identity and the mobile', async () => {
    // identity-lookup down: the code is accepted and the merge is under way, but it cannot move the
    // records, so the gateway answers 202 with the merge still open: the kill lands midway.
    await platform.services['identity-lookup'].stop();
    const pending = await rnauth(taker.token, mergeBody(mergeCode, { customerCode: '1001', outid: '150942', identityNo: STUDENT.identityNo, name: STUDENT.name }, 'MEGRE'));
    expect(pending.body).toMatchObject({ code: 202, data: { rnAuthTicket: expect.any(String) } });
    const open = await withMongo((c) => c.db(platform.dbName('realname-pattern')).collection('verifications').findOne({ method: 'user-merge', state: { $in: ['STARTED', 'PROCESSING'] } }));
    expect(open).not.toBeNull();
    await platform.services['realname-pattern'].stop('SIGKILL');
    await platform.services['identity-lookup'].start();
    expect(await holders()).toEqual({ identity: { old: 1, new: 0 }, mobile: { old: 1, new: 0 } });
    await platform.services['realname-pattern'].start();

    const app = await appTokenOf(campus);
    await eventually(async () => ((await result(app, pending.body.data.rnAuthTicket)).body.data.result === true ? true : undefined), 60_000);
    expect(await holders()).toEqual({ identity: { old: 0, new: 1 }, mobile: { old: 0, new: 1 } });
    merged = await rnauth(taker.token, mergeBody(mergeCode));
    expect(merged.body).toMatchObject({ code: 200, message: 'OK', data: { guid: taker.guid, rnAuthTicket: pending.body.data.rnAuthTicket } });
  }, 120_000);

  it('when a completed MERGE is sent again, then the same answer comes back and nothing changes', async () => {
    expect(await rnauth(taker.token, mergeBody(mergeCode))).toEqual(merged);
    expect(await holders()).toEqual({ identity: { old: 0, new: 1 }, mobile: { old: 0, new: 1 } });
    // The old user now holds nothing: the new one is the holder the next 409 names.
    const third = await userOf(campus, 'held-id-third');
    expect((await rnauth(third.token, { rnAuthPatternCode: 'IMPORT', data: STUDENT })).body).toMatchObject({ code: 409, data: { mobileNo: '138******11', guid: taker.guid } });
  });

  it('when a roster membership the roster holds no ID number for (IMPORT-ECARD) is proved by another user, then 410 while its holder has no verified mobile, 409 naming them once they have one', async () => {
    const member = { rnAuthPatternCode: 'IMPORT-ECARD', data: { name: '李四', outid: '150943', role: 4 } };
    const first = await userOf(campus, 'whitelist');
    expect((await rnauth(first.token, member)).status).toBe(200);
    const other = await userOf(campus, 'member-taker');
    expect(await rnauth(other.token, member)).toEqual({ status: 410, body: { code: 410, message: '当前认证信息已被占用，请联系人工客服', data: {} } });
    await mobileHolder('whitelist', '13800138013');
    expect(await rnauth(other.token, member)).toEqual({
      status: 409,
      body: { code: 409, message: '当前认证信息已被 138******13 占用', data: { mobileNo: '138******13', guid: first.guid } },
    });
    // The first user still holds it: their own repeat is verified again.
    expect((await rnauth(first.token, member)).status).toBe(200);
  });

  it('when the partner turned merging off (feature no-campus-merge), then 410 although the holder has a verified mobile', async () => {
    const noMerge = await createPartner(platform, 'campus without merge', `${FEATURES},no-campus-merge`);
    await mobileHolder('no-merge-holder', '13800138012', noMerge);
    await resendPause();
    const taker = await userWithCode('no-merge-taker', '13800138012', noMerge);
    expect(await rnauth(taker.user.token, mobileBody('13800138012', taker.code))).toEqual({
      status: 410,
      body: { code: 410, message: '当前认证信息已被占用，请联系人工客服', data: {} },
    });
  });
});

// Last: the open breaker fails every check of school 1002 fast until its reset.
describe('an e-card system that times out, then fails until its breaker opens', () => {
  it('when the connector hangs, then 503 KYC.ECARD.TIMEOUT; when it keeps failing, then the breaker opens and calls stop reaching it', async () => {
    const user = await userOf(campus, 'ecard-outage');
    const teacher = { rnAuthPatternCode: 'ECARD', data: { outid: '350101', name: '赵六', password: '888888' } };
    ecard.set('350101', HANG);
    expect((await rnauth(user.token, teacher)).body).toMatchObject({ code: 503, message: '学校一卡通系统暂不可用，请稍后重试', data: { reason: 'KYC.ECARD.TIMEOUT' } });
    ecard.set('350101', { status: 500 });
    const reasons: string[] = [];
    // The breaker opens once failures are half of the school's checks in its rolling window (the earlier tests' included).
    for (let i = 0; i < 30 && reasons.at(-1) !== 'KYC.ECARD.BREAKER_OPEN'; i += 1) reasons.push((await rnauth(user.token, teacher)).body.data.reason);
    expect(reasons).toContain('KYC.ECARD.UNAVAILABLE');
    expect(reasons.at(-1)).toBe('KYC.ECARD.BREAKER_OPEN');
    const reached = ecard.calls().length;
    const student = await rnauth(user.token, { rnAuthPatternCode: 'ECARD', data: { outid: '350002', name: '三五二', password: '123456' } });
    expect(student.body).toMatchObject({ code: 503, data: { reason: 'KYC.ECARD.BREAKER_OPEN' } });
    expect(ecard.calls().length).toBe(reached);
  });
});
