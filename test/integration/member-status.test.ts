/**
 * Seed 000 member verification as a partner sees it: the signed submission endpoint, the status
 * query (every documented shape and error), the settings the notifier gets, and the signed result
 * notification received by a real HTTP server standing in for the partner.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { partner as partnerEvents } from '@kyc/contracts';
import { createPartner, findRepoRoot, PartnerCredentials, Platform, signBody, startPlatform } from '@kyc/dev-platform';
import { decodeEnvelope } from '@kyc/kafka-bus';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { eventually, infra, readTopic, uniqueNamespace } from '../support/fixtures';
import { idNumber, withWrongCheckDigit } from '../support/identities';
import { expectedSign, memberPartner, memberStatus, postRaw, startNotifyReceiver, submitMember } from '../support/member-client';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform({ ...infra(), namespace: uniqueNamespace('member'), env: { ID_AUTHORITY_MODE: 'sandbox' } });
});
afterAll(async () => {
  await platform?.stop();
});

const SEED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const NOT_FOUND = { status: 400, body: { code: 400, data: null, message: '相关注册记录不存在' } };
const MATCH_ID = idNumber('110101', '19900307', 123);
const MISMATCH_ID = idNumber('110101', '19900307', 990);
// An ID number verified once belongs to that user within the partner (another user gets IDENTITY.CONFLICT).
const SECOND_MATCH_ID = idNumber('110101', '19900308', 123);
const txSeqNo = () => `tx${randomBytes(6).toString('hex')}`;
const NOTIFY_URL = 'http://127.0.0.1:9/never-answers';

/** The fields of a submission for one member. */
const submission = (userId: string, identity_card_number: string, extra: Partial<{ phone: string; notify_url: string; id: number | string }> = {}) => ({
  user_id: userId,
  tx_seq_no: txSeqNo(),
  notify_url: extra.notify_url ?? NOTIFY_URL,
  member: { id: extra.id ?? 1, name: '张三', identity_card_number, ...(extra.phone ? { phone: extra.phone } : {}) },
});

const finalStatus = (creds: PartnerCredentials, userId: string, member: Record<string, unknown>) =>
  eventually(async () => {
    const answer = await memberStatus(platform, creds, { user_id: userId, member });
    return ['success', 'failed'].includes(answer.body.data?.status) ? answer : undefined;
  }, 30_000);

describe('seed 000 request signing on the member endpoints', () => {
  let creds: PartnerCredentials;
  beforeAll(async () => {
    creds = await memberPartner(platform, 'signing');
  });
  const fields = { user_id: 'u-sign', member: { id: 1 } };

  it('when the signing fields are missing, then 400 in the {code,data,message} shape', async () => {
    const answer = await postRaw(platform, '/api/platform/member/status', fields);
    expect(answer).toEqual({ status: 400, body: { code: 400, data: null, message: expect.stringContaining('sign') } });
  });

  it('when app_id is unknown, then 401 app_id 无效', async () => {
    const answer = await postRaw(platform, '/api/platform/member/status', signBody({ ...creds, app_id: '0000000000000000' }, fields));
    expect(answer).toEqual({ status: 401, body: { code: 401, data: null, message: 'app_id 无效' } });
  });

  it('when the signature is wrong or covers other values, then 401 签名错误', async () => {
    const signed = signBody(creds, fields);
    expect(await postRaw(platform, '/api/platform/member/status', { ...signed, user_id: 'someone-else' })).toEqual({
      status: 401,
      body: { code: 401, data: null, message: '签名错误' },
    });
    const tampered = signBody(creds, { user_id: 'u-sign', member: { id: 1, name: '张三' } });
    expect((await postRaw(platform, '/api/platform/member/status', { ...tampered, member: { id: 1, name: '李四' } })).body.message).toBe('签名错误');
    expect((await postRaw(platform, '/api/platform/member/verify', signBody({ ...creds, app_secret: 'not-it' }, fields))).body).toEqual({
      code: 401,
      data: null,
      message: '签名错误',
    });
  });

  it('when the timestamp is more than 5 minutes off, then 401 时间戳已过期', async () => {
    const answer = await postRaw(platform, '/api/platform/member/status', signBody(creds, fields, Date.now() - 6 * 60_000));
    expect(answer).toEqual({ status: 401, body: { code: 401, data: null, message: '时间戳已过期' } });
  });

  it('when a signed request is replayed, then 401 重复的请求', async () => {
    const signed = signBody(creds, fields);
    expect(await postRaw(platform, '/api/platform/member/status', signed)).toEqual(NOT_FOUND);
    expect(await postRaw(platform, '/api/platform/member/status', signed)).toEqual({ status: 401, body: { code: 401, data: null, message: '重复的请求' } });
  });

  it('when the partner lacks the member-verify feature, then 403 on both endpoints', async () => {
    const other = await createPartner(platform, 'user-validate only', 'user-validate');
    for (const path of ['/api/platform/member/status', '/api/platform/member/verify']) {
      const answer = await postRaw(platform, path, signBody(other, fields));
      expect(answer).toEqual({ status: 403, body: { code: 403, data: null, message: '该应用未开通用户信息认证功能' } });
    }
  });
});

describe('status query (用户信息认证状态查询)', () => {
  let creds: PartnerCredentials;
  beforeAll(async () => {
    creds = await memberPartner(platform, 'status');
  });

  it('when user_id or member is missing or malformed, then 400 naming the field', async () => {
    const noMember = await memberStatus(platform, creds, { user_id: 'u-1' });
    expect(noMember).toEqual({ status: 400, body: { code: 400, data: null, message: 'member 必填' } });
    const noUser = await memberStatus(platform, creds, { member: { id: 1 } });
    expect(noUser).toEqual({ status: 400, body: { code: 400, data: null, message: 'user_id 必填' } });
    const notObject = await memberStatus(platform, creds, { user_id: 'u-1', member: 'x' });
    expect(notObject).toEqual({ status: 400, body: { code: 400, data: null, message: 'member 格式错误' } });
  });

  it('when the user never submitted, then exactly {"code":400,"data":null,"message":"相关注册记录不存在"}', async () => {
    expect(await memberStatus(platform, creds, { user_id: '211403198307188237', member: { id: 1 } })).toEqual(NOT_FOUND);
  });

  it('when a member is submitted and matches at the authority, then pending at once and success later, field by field', async () => {
    const fields = submission('211403198307188237', MATCH_ID, { phone: '13499002299' });
    const started = await submitMember(platform, creds, fields);
    expect(started).toEqual({
      status: 200,
      body: { code: 200, data: { tx_seq_no: fields.tx_seq_no, status: expect.stringMatching(/^(pending|processing|success)$/), created_at: expect.stringMatching(SEED_TIME) }, message: 'success' },
    });

    const done = await finalStatus(creds, fields.user_id, fields.member);
    expect(done.status).toBe(200);
    expect(done.body).toEqual({
      code: 200,
      data: {
        created_at: started.body.data.created_at,
        partner_app_id: creds.app_id,
        partner_user_id: '211403198307188237',
        status: 'success',
        updated_at: expect.stringMatching(SEED_TIME),
        member: { id: 1, phone: '13499002299', name: '张三', identity_card_number: MATCH_ID },
      },
      message: 'success',
    });
    expect(Object.keys(done.body.data)).toEqual(['created_at', 'partner_app_id', 'partner_user_id', 'status', 'updated_at', 'member']);
    expect(Date.parse(done.body.data.updated_at)).toBeGreaterThanOrEqual(Date.parse(done.body.data.created_at));
  });

  it('when the authority reports a mismatch, then the status ends failed', async () => {
    const fields = submission('u-mismatch', MISMATCH_ID);
    expect((await submitMember(platform, creds, fields)).body.code).toBe(200);
    const done = await finalStatus(creds, fields.user_id, fields.member);
    expect(done.body.data).toMatchObject({ status: 'failed', partner_user_id: 'u-mismatch', member: { id: 1, phone: '', identity_card_number: MISMATCH_ID } });
  });

  it('when a user submitted twice, then the status is that of the latest submission', async () => {
    const first = submission('u-twice', MISMATCH_ID, { id: 'm-1' });
    await submitMember(platform, creds, first);
    await finalStatus(creds, 'u-twice', first.member);
    const second = submission('u-twice', SECOND_MATCH_ID, { id: 'm-2' });
    await submitMember(platform, creds, second);
    const done = await eventually(async () => {
      const a = await memberStatus(platform, creds, { user_id: 'u-twice', member: second.member });
      return a.body.data?.member.id === 'm-2' && a.body.data.status === 'success' ? a : undefined;
    }, 30_000);
    expect(done.body.data.member).toEqual({ id: 'm-2', phone: '', name: '张三', identity_card_number: SECOND_MATCH_ID });
  });

  it('when another partner asks about the same user id, then it sees no record', async () => {
    const fields = submission('u-shared', MATCH_ID);
    await submitMember(platform, creds, fields);
    const other = await memberPartner(platform, 'other');
    expect(await memberStatus(platform, other, { user_id: 'u-shared', member: fields.member })).toEqual(NOT_FOUND);
  });
});

describe('submission (用户信息认证接口)', () => {
  let creds: PartnerCredentials;
  beforeAll(async () => {
    creds = await memberPartner(platform, 'submission');
  });

  it('when the same tx_seq_no is sent again with the same data, then the same verification is answered', async () => {
    const fields = submission('u-repeat', MATCH_ID);
    const first = await submitMember(platform, creds, fields);
    const again = await submitMember(platform, creds, fields);
    expect(again.status).toBe(200);
    expect(again.body.data.tx_seq_no).toBe(fields.tx_seq_no);
    expect(again.body.data.created_at).toBe(first.body.data.created_at);
  });

  it('when the same tx_seq_no comes with different data, then 409 tx_seq_no 已使用', async () => {
    const fields = submission('u-conflict', MATCH_ID);
    expect((await submitMember(platform, creds, fields)).status).toBe(200);
    const changed = await submitMember(platform, creds, { ...fields, member: { ...fields.member, name: '李四' } });
    expect(changed).toEqual({ status: 409, body: { code: 409, data: null, message: 'tx_seq_no 已使用' } });
  });

  it('when the ID number is not a valid citizen ID number, then 400 with a clear message and nothing recorded', async () => {
    const fields = submission('u-bad-id', withWrongCheckDigit(MATCH_ID));
    expect(await submitMember(platform, creds, fields)).toEqual({
      status: 400,
      body: { code: 400, data: null, message: 'identity_card_number 不是有效的居民身份证号码' },
    });
    expect(await memberStatus(platform, creds, { user_id: 'u-bad-id', member: fields.member })).toEqual(NOT_FOUND);
  });

  it('when fields are missing or malformed, then 400 naming the field', async () => {
    const fields = submission('u-fields', MATCH_ID);
    const { notify_url: _n, ...noUrl } = fields;
    expect((await postRaw(platform, '/api/platform/member/verify', signBody(creds, noUrl))).body).toEqual({ code: 400, data: null, message: 'notify_url 必填' });
    expect((await submitMember(platform, creds, { ...fields, notify_url: 'ftp://partner.example/x' })).body).toEqual({
      code: 400,
      data: null,
      message: 'notify_url 格式错误',
    });
    expect((await submitMember(platform, creds, { ...fields, member: { ...fields.member, phone: '12345' } })).body.message).toBe('member.phone 格式错误');
  });
});

describe('partner settings for the notifier', () => {
  it('when a partner is created or its callback changes, then PartnerSettingsChanged carries its sealed secrets, format and a growing version', async () => {
    const cli = path.join(findRepoRoot(), 'packages/operator-cli/dist/main.js');
    const run = async (...args: string[]) =>
      JSON.parse((await promisify(execFile)(process.execPath, [cli, '--json', 'partner', ...args], { env: { ...process.env, ...platform.gatewayEnv } })).stdout);
    const created = await run('create', '--name', 'notified', '--features', 'member-verify', '--callback-url', 'https://partner.example/hook');
    expect(created.webhook_secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await run('set-callback', '--app-id', created.app_id, '--url', 'https://partner.example/hook2');

    const cipher = new PiiCipher(masterKeyFromHex(platform.masterKey));
    const events = await eventually(async () => {
      const records = (await readTopic(platform.topic('kyc.partner.v1'), 2_000)).filter((r) => r.key === created.app_id);
      return records.length >= 2 ? records.map((r) => partnerEvents.PartnerSettingsChanged.decode(decodeEnvelope(r.value).payload)) : undefined;
    }, 30_000);
    expect(events.map((e) => [Number(e.version), e.callbackUrl])).toEqual([
      [1, 'https://partner.example/hook'],
      [2, 'https://partner.example/hook2'],
    ]);
    expect(events[1].callbackFormat).toBe(partnerEvents.CallbackFormat.CALLBACK_FORMAT_MEMBER_NOTIFY);
    const secrets = JSON.parse(cipher.openString(events[1].sealedSecrets, `partner:${created.app_id}:callback-secrets`));
    expect(secrets).toEqual({ app_secret: created.app_secret, webhook_secret: created.webhook_secret });
  });
});

describe('result notification (用户信息认证结果异步通知)', () => {
  it('when a verification completes, then notify_url gets a signed notification, retried until it answers {"code":"0000"}', async () => {
    const creds = await memberPartner(platform, 'notified-member');
    const receiver = await startNotifyReceiver([
      { status: 200, body: { code: '9999' } },
      { status: 200, body: { code: '0000' } },
    ]);
    try {
      const fields = submission('211403198307188237', MISMATCH_ID, { notify_url: receiver.url });
      expect((await submitMember(platform, creds, fields)).body.code).toBe(200);
      await eventually(async () => (receiver.received.length >= 2 ? true : undefined), 120_000, 500);

      const [first, second] = receiver.received.map((r) => r.body);
      expect(Object.keys(second).sort()).toEqual(
        ['app_id', 'code', 'nonce_str', 'sign', 'status', 'message', 'time_stamp', 'tx_seq_no', 'user_id', 'id_no'].sort(),
      );
      expect(second).toMatchObject({
        app_id: creds.app_id,
        status: 'FAILED',
        tx_seq_no: fields.tx_seq_no,
        user_id: '211403198307188237',
        id_no: MISMATCH_ID,
      });
      expect(second.sign).toBe(expectedSign(creds.app_secret, second));
      // The retry is the same notification (same transaction), signed afresh.
      expect(first).toMatchObject({ tx_seq_no: fields.tx_seq_no, status: 'FAILED' });
      expect(first.sign).toBe(expectedSign(creds.app_secret, first));
    } finally {
      await receiver.close();
    }
  });
});
