/**
 * Seed 001's credentials and four-step submission through the real stack: uid + token from the
 * partner-minted session, every documented status in both languages, objects uploaded with the
 * real ali-oss client and named by the steps, the echo of /user/authinfoNew, and the manual review
 * that follows step 4 up to a verified identity and the partner's callback.
 */
import { Webhook } from 'standardwebhooks';
import { Platform } from '@kyc/dev-platform';
import { appCall, appForm, appPartner, appUser, AppUser, findVerifiedIdentity, getSts, idCardStep, ossClient } from '../support/app-auth';
import { CallbackReceiver, WEBHOOK_OK } from '../support/callback-receiver';
import { bootPlatform, credentialCachePassed, eventually, withMongo } from '../support/fixtures';
import { idNumber, withWrongCheckDigit } from '../support/identities';
import { jpegImage } from '../support/images';
import { newReviewer, ReviewerClient } from '../support/review';

let platform: Platform;
let reviewer: ReviewerClient;
let callbacks: CallbackReceiver;
let partner: AppUser['partner'];

beforeAll(async () => {
  platform = await bootPlatform('appsteps');
  callbacks = await new CallbackReceiver(() => WEBHOOK_OK).start();
  partner = await appPartner(platform, 'steps app', callbacks.url('/kyc'));
  reviewer = await newReviewer(platform, 'Rui Reviewer');
});
afterAll(async () => {
  await callbacks?.close();
  await platform?.stop();
});

let users = 0;
const newUser = () => appUser(platform, partner, `app-user-${++users}`);

/** Uploads images with ali-oss under the user's prefix; returns their keys by name. */
async function upload(user: AppUser, names: string[]): Promise<Record<string, string>> {
  const creds = await getSts(platform, user);
  const client = ossClient(creds);
  const keys: Record<string, string> = {};
  for (const [i, name] of names.entries()) {
    keys[name] = `${creds.prefix}${name}.jpg`;
    await client.put(keys[name], jpegImage(160, 120, { seed: i + 1 }));
  }
  return keys;
}

const authnew = (user: AppUser, params: Record<string, unknown>, local?: string) => appCall(platform, user, '/user/authnew', params, local);

/** Steps 1-4 in order with fresh uploads; every answer must be 200. */
async function submitAll(user: AppUser, step1: Record<string, unknown>): Promise<Record<string, string>> {
  const keys = await upload(user, ['front', 'back', 'hand']);
  for (const params of [step1, { step: 2, positiveImages: keys.front, isChina: step1.isChina }, { step: 3, oppositeImages: keys.back }, { step: 4, handImages: keys.hand }]) {
    const answer = await authnew(user, params);
    if (answer.status !== 200) throw new Error(`step ${params.step} answered ${JSON.stringify(answer)}`);
  }
  return keys;
}

/** The partner's pending case for this user (each test user is the only one with their name and number). */
const pendingCaseOf = (idNo: string) =>
  eventually(async () => {
    for (const c of await reviewer.pendingCases()) {
      if (c.partner_id !== partner.app_id) continue;
      const detail = await reviewer.get(`/reviewer/v1/cases/${c.case_id}`);
      if (detail.body.case.idcard_number === idNo) return detail.body;
    }
    return undefined;
  }, 30_000);

const statusOfAuth = async (user: AppUser) => (await appCall(platform, user, '/user/authinfoNew')).attachment.authStatus as number;
const waitForAuthStatus = (user: AppUser, status: number) => eventually(async () => ((await statusOfAuth(user)) === status ? true : undefined), 30_000);

const findIdentity = (subjectId: string) => findVerifiedIdentity(platform, partner.app_id, subjectId);

describe('seed 001: uid + token and languages', () => {
  it('when the token is missing, unknown, expired or another user’s, then every endpoint answers -1001 in the caller’s language', async () => {
    const [ann, ben] = await Promise.all([newUser(), newUser()]);
    const routes = ['/user/getsts', '/user/authinfoNew', '/user/authnew', '/ali/appToken', '/ali/vedioAuth'];
    for (const route of routes) {
      expect(await appCall(platform, { uid: ann.uid, token: 'no-such-token' }, route)).toEqual({ attachment: null, message: '登录已失效，请重新登录', status: -1001 });
      expect(await appCall(platform, { uid: ben.uid, token: ann.token }, route, {}, 'en')).toEqual({
        attachment: null,
        message: 'Your login has expired, please log in again',
        status: -1001,
      });
    }
    expect((await appForm(platform, '/user/getsts', { local: 'en' })).status).toBe(-1001);
    await withMongo((c) => c.db(platform.dbName('gateway')).collection('sessions').updateMany({ uid: ann.uid }, { $set: { expiresAt: new Date(Date.now() - 1_000) } }));
    // A session ended behind the gateway's back stops working once its cached copy is gone (AUTH_CACHE_SECONDS).
    await credentialCachePassed();
    expect((await appCall(platform, ann, '/user/authinfoNew')).status).toBe(-1001);
  });

  it('when getsts is asked by form, then it answers the seed fields with short-lived STS credentials for the user prefix', async () => {
    const user = await newUser();
    const answer = await appForm(platform, '/user/getsts', { uid: user.uid, token: user.token, local: 'en' });
    expect(answer).toMatchObject({ status: 200, message: null });
    const a = answer.attachment;
    expect(Object.keys(a)).toEqual(expect.arrayContaining(['SecurityToken', 'bucket', 'RoleSessionName', 'AccessKeyId', 'AccessKeySecret', 'Expiration', 'RoleArn', 'policy']));
    expect(a.AccessKeyId).toMatch(/^STS\./);
    expect(a.Expiration).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Date.parse(a.Expiration) - Date.now()).toBeLessThanOrEqual(900_000);
    expect(JSON.parse(a.policy).Statement[0].Resource).toEqual([`acs:oss:*:*:${a.bucket}/auth/${user.uid}/*`]);
  });
});

describe('seed 001: the four steps', () => {
  it('when the steps come in order, then authinfoNew echoes each one, with image URLs that show the uploaded images', async () => {
    const user = await newUser();
    const idNo = idNumber('110105', '19880808', 211);
    const empty = await appCall(platform, user, '/user/authinfoNew');
    expect(empty.attachment).toMatchObject({ step: 0, authStatus: 0, idNumber: null, positiveImages: null });

    const keys = await upload(user, ['front', 'back']);
    expect(await authnew(user, idCardStep(idNo, { isAllTime: 1, outofTime: '' }))).toEqual({ attachment: null, message: null, status: 200 });
    expect(await authnew(user, { step: 2, positiveImages: keys.front, isChina: 1 })).toMatchObject({ status: 200 });
    expect(await authnew(user, { step: 3, oppositeImages: `${platform.gatewayUrl}/${keys.back}` })).toMatchObject({ status: 200 });

    const info = (await appCall(platform, user, '/user/authinfoNew')).attachment;
    expect(info).toMatchObject({
      country: '中国',
      firstName: '王',
      secondName: '小明',
      idNumber: idNo,
      birthday: '1988-08-08',
      gender: 1,
      isChina: 1,
      singnTime: '2016-06-01',
      outofTime: null,
      isAllTime: 1,
      currentLocation: 1,
      handImages: null,
      step: 3,
      authStatus: 0,
    });
    const front = await fetch(info.positiveImages);
    expect(front.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await front.arrayBuffer()), jpegImage(160, 120, { seed: 1 }))).toBe(0);
    expect((await fetch(info.oppositeImages)).status).toBe(200);
  });

  it('when a step comes before the one it builds on, then -1005 names the step to do first, in both languages', async () => {
    const user = await newUser();
    const keys = await upload(user, ['front', 'hand']);
    expect(await authnew(user, { step: 2, positiveImages: keys.front })).toEqual({ attachment: null, message: '请先完成第1步', status: -1005 });
    await authnew(user, idCardStep(idNumber('110105', '19880808', 212)));
    expect(await authnew(user, { step: 4, handImages: keys.hand }, 'en')).toEqual({ attachment: null, message: 'Please complete step 2 first', status: -1005 });
    expect(await authnew(user, { step: 3, oppositeImages: keys.hand })).toMatchObject({ status: -1005, message: '请先完成第2步' });
  });

  it('when steps are repeated before submission, then the latest of each counts and the others stay', async () => {
    const user = await newUser();
    const keys = await upload(user, ['front', 'front-retake', 'back']);
    await authnew(user, idCardStep(idNumber('110105', '19880808', 213)));
    await authnew(user, { step: 2, positiveImages: keys.front });
    await authnew(user, { step: 3, oppositeImages: keys.back });
    expect(await authnew(user, { step: 2, positiveImages: keys['front-retake'] })).toMatchObject({ status: 200 });
    expect(await authnew(user, idCardStep(idNumber('110105', '19880808', 213), { secondName: '晓明' }))).toMatchObject({ status: 200 });
    const info = (await appCall(platform, user, '/user/authinfoNew')).attachment;
    expect(info).toMatchObject({ secondName: '晓明', step: 3 });
    expect(new URL(info.positiveImages).pathname).toBe(`/${keys['front-retake']}`);
    expect(new URL(info.oppositeImages).pathname).toBe(`/${keys.back}`);
  });

  it.each([
    ['a wrong check character', -1006, '身份证号码无效', 'The ID card number is invalid', (id: string) => idCardStep(withWrongCheckDigit(id))],
    ['a gender the number contradicts', -1007, '生日或性别与身份证号码不符', 'The birthday or gender does not match the ID card number', (id: string) => idCardStep(id, { gender: 2 })],
    ['a birthday the number contradicts', -1007, '生日或性别与身份证号码不符', 'The birthday or gender does not match the ID card number', (id: string) => idCardStep(id, { birthday: '1988-08-09' })],
    ['a malformed passport number', -1008, '护照号码格式不正确', 'The passport number is not in a valid format', (id: string) => idCardStep(id, { currentLocation: 2, idNumber: 'X12' })],
    ['an expiry before the issue date', -1009, '证件有效期不正确', 'The document validity dates are invalid', (id: string) => idCardStep(id, { outofTime: '2010-01-01' })],
    ['no first name', -1, '参数错误：firstName', 'Invalid parameter: firstName', (id: string) => idCardStep(id, { firstName: '' })],
  ])('when step 1 has %s, then %s in both languages and nothing is stored', async (_what, status, zh, en, params) => {
    const user = await newUser();
    const id = idNumber('110105', '19880808', 215);
    expect(await authnew(user, params(id))).toEqual({ attachment: null, message: zh, status });
    expect(await authnew(user, params(id), 'en')).toEqual({ attachment: null, message: en, status });
    expect((await appCall(platform, user, '/user/authinfoNew')).attachment.step).toBe(0);
  });

  it("when a step names another user's object, or one never uploaded, then -1010", async () => {
    const [user, other] = await Promise.all([newUser(), newUser()]);
    const theirs = await upload(other, ['front']);
    await authnew(user, idCardStep(idNumber('110105', '19880808', 216)));
    expect(await authnew(user, { step: 2, positiveImages: theirs.front })).toEqual({ attachment: null, message: '图片无效，请重新上传', status: -1010 });
    expect(await authnew(user, { step: 2, positiveImages: `auth/${user.uid}/never.jpg` }, 'en')).toMatchObject({ status: -1010, message: 'The image is invalid, please upload it again' });
  });

  it('when a passport holder goes through the steps, then the reviewer sees a passport, approval records a passport identity, and the same passport at another user is a conflict', async () => {
    const approvePassport = async (user: AppUser) => {
      const passport = idCardStep('', { currentLocation: 2, idNumber: 'eb1234567', birthday: '1990-03-07', gender: 2, firstName: '李', secondName: '雷' });
      await submitAll(user, passport);
      const c = await pendingCaseOf('EB1234567');
      expect(c.case).toMatchObject({ name: '李雷', method: 'document-review', details: expect.objectContaining({ currentLocation: '2 (passport)', birthday: '1990-03-07' }) });
      expect(c.photos.map((p: { photo_type: number }) => p.photo_type)).toEqual([0, 1, 2]);
      expect((await reviewer.decide(c.case.case_id, { decision: 'approve', round: 1 })).status).toBe(200);
      const hook = await eventually(async () => callbacks.where((r) => r.json?.data?.method === 'document-review' && r.json?.data?.verification_id === `${c.case.case_id}:1`)[0], 30_000);
      return hook;
    };
    const first = await newUser();
    const hook = await approvePassport(first);
    expect(hook.json.data).toMatchObject({ status: 'succeeded', result_code: 'OK' });
    await waitForAuthStatus(first, 2);
    const record = await findIdentity(hook.json.data.subject_id);
    expect(record.found).toBe(true);
    expect(record.identity).toMatchObject({
      idNumber: 'EB1234567',
      name: '李雷',
      documentType: 2,
      birthDate: '1990-03-07',
      gender: 'F',
      nationality: '中国',
      regionCode: '',
      address: '',
      method: 'document-review',
    });

    // One passport, one holder per partner: a second user approved with it does not get it.
    const second = await newUser();
    const refused = await approvePassport(second);
    expect(refused.json.data).toMatchObject({ status: 'failed', result_code: 'IDENTITY.CONFLICT' });
    expect((await findIdentity(refused.json.data.subject_id)).found).toBe(false);
  });
});

describe('seed 001: review of a four-step submission', () => {
  it('when steps 1-4 are done, then the case is locked for review, the reviewer sees three photos and every field, a rejection unlocks it, and an approval gives a verified identity and a signed partner callback', async () => {
    const user = await newUser();
    const idNo = idNumber('110105', '19880808', 217);
    const keys = await submitAll(user, idCardStep(idNo));
    const c = await pendingCaseOf(idNo);
    expect(c.case).toMatchObject({
      name: '王小明',
      idcard_number: idNo,
      round: 1,
      method: 'document-review',
      details: { country: '中国', firstName: '王', secondName: '小明', birthday: '1988-08-08', gender: '1 (male)', isChina: '1', currentLocation: '1 (resident ID card)', singnTime: '2016-06-01', outofTime: '2036-06-01', isAllTime: '0' },
    });
    expect(c.photos.map((p: { photo_type: number }) => p.photo_type)).toEqual([0, 1, 2]);
    const back = await reviewer.call(c.photos.find((p: { photo_type: number }) => p.photo_type === 2).href);
    expect(Buffer.compare(Buffer.from(await back.arrayBuffer()), jpegImage(160, 120, { seed: 2 }))).toBe(0);

    // Pending: every step, and new upload credentials, are refused.
    await waitForAuthStatus(user, 1);
    expect(await authnew(user, { step: 2, positiveImages: keys.front })).toEqual({ attachment: null, message: '认证信息审核中，暂不能修改', status: -1003 });
    expect(await appCall(platform, user, '/user/getsts', {}, 'en')).toEqual({ attachment: null, message: 'Your information is under review and cannot be changed', status: -1003 });

    // Rejected: editable again; step 4 alone submits round 2.
    expect((await reviewer.decide(c.case.case_id, { decision: 'reject', round: 1, reason_code: 'PHOTO_UNREADABLE' })).status).toBe(200);
    await waitForAuthStatus(user, 3);
    // photo-storage applies the unlock from realname-pattern's event a moment later.
    const retake = await eventually(() => upload(user, ['front-retake']));
    expect(await authnew(user, { step: 2, positiveImages: retake['front-retake'] })).toMatchObject({ status: 200 });
    expect(await authnew(user, { step: 4, handImages: keys.hand })).toMatchObject({ status: 200 });
    await waitForAuthStatus(user, 1);
    const round2 = await pendingCaseOf(idNo);
    expect(round2.case.round).toBe(2);

    expect((await reviewer.decide(round2.case.case_id, { decision: 'approve', round: 2 })).status).toBe(200);
    await waitForAuthStatus(user, 2);
    expect(await authnew(user, idCardStep(idNo))).toEqual({ attachment: null, message: '已通过认证，无需重复提交', status: -1004 });
    expect((await appCall(platform, user, '/user/authinfoNew')).attachment).toMatchObject({ step: 4, authStatus: 2 });

    const verificationId = `${round2.case.case_id}:2`;
    const hook = await eventually(async () => callbacks.where((r) => r.json?.data?.verification_id === verificationId)[0], 30_000);
    const verified = new Webhook(partner.webhook_secret).verify(hook.body, hook.headers) as { data: Record<string, string> };
    expect(verified.data).toMatchObject({ method: 'document-review', status: 'succeeded', result_code: 'OK' });
    const record = await findIdentity(verified.data.subject_id);
    expect(record.identity).toMatchObject({
      name: '王小明',
      idNumber: idNo,
      method: 'document-review',
      documentValidFrom: '2016-06-01',
      documentValidTo: '2036-06-01',
      cardFrontPhotoId: `${verified.data.subject_id}:1`,
      cardBackPhotoId: `${verified.data.subject_id}:2`,
    });
    // Round 1's rejection reached the partner too.
    const rejected = await eventually(async () => callbacks.where((r) => r.json?.data?.verification_id === `${c.case.case_id}:1`)[0], 30_000);
    expect(rejected.json.data).toMatchObject({ status: 'failed', result_code: 'REVIEW.PHOTO_UNREADABLE' });
  });
});
