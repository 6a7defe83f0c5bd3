/**
 * Seed 001's /ali/appToken and /ali/vedioAuth through the real stack and realname-pattern's real
 * liveness adapter (LIVENESS_MODE=http), against a local Alibaba Cloud real-person verification
 * stub speaking cloudauth's signed RPC wire format (InitFaceVerify / DescribeFaceVerify). The
 * outcome always comes from the provider, asked server-side; the app's word never counts.
 */
import { Webhook } from 'standardwebhooks';
import { Platform } from '@kyc/dev-platform';
import { LivenessStub, startLivenessStub } from '@kyc/provider-stubs';
import { appCall, appPartner, appUser, AppUser, findVerifiedIdentity, idCardStep } from '../support/app-auth';
import { CallbackReceiver, WEBHOOK_OK } from '../support/callback-receiver';
import { bootPlatform, eventually } from '../support/fixtures';
import { idNumber } from '../support/identities';

const CERTIFY_TTL_MS = 4_000;
let platform: Platform;
let stub: LivenessStub;
let callbacks: CallbackReceiver;
let partner: AppUser['partner'];

beforeAll(async () => {
  stub = await startLivenessStub();
  platform = await bootPlatform('appliveness', {
    LIVENESS_MODE: 'http',
    LIVENESS_URL: stub.url,
    LIVENESS_ACCESS_KEY_ID: stub.credentials.accessKeyId,
    LIVENESS_ACCESS_KEY_SECRET: stub.credentials.accessKeySecret,
    LIVENESS_SCENE_ID: '1000000006',
    LIVENESS_TIMEOUT_MS: '1000',
    LIVENESS_RETRIES: '1',
    LIVENESS_RETRY_BASE_MS: '20',
    LIVENESS_BREAKER_VOLUME: '3',
    LIVENESS_BREAKER_RESET_MS: '60000',
    LIVENESS_CERTIFY_TTL_MS: String(CERTIFY_TTL_MS),
  });
  callbacks = await new CallbackReceiver(() => WEBHOOK_OK).start();
  partner = await appPartner(platform, 'liveness app', callbacks.url('/kyc'));
});
afterAll(async () => {
  await callbacks?.close();
  await platform?.stop();
  await stub?.close();
});

let seq = 300;
/** A user who has done step 1 with a resident ID card; returns the user and the card number. */
async function userWithIdCard(): Promise<{ user: AppUser; idNo: string }> {
  const idNo = idNumber('110105', '19880808', ++seq);
  const user = await appUser(platform, partner, `liveness-${seq}`);
  const step1 = await appCall(platform, user, '/user/authnew', idCardStep(idNo));
  if (step1.status !== 200) throw new Error(`step 1 refused: ${JSON.stringify(step1)}`);
  return { user, idNo };
}

const appToken = (user: AppUser, local?: string) => appCall(platform, user, '/ali/appToken', { source: 2 }, local);
const vedioAuth = (user: AppUser, params: Record<string, unknown> = {}, local?: string) => appCall(platform, user, '/ali/vedioAuth', { source: 2, ...params }, local);
const describeCalls = (idNo: string) => stub.calls(idNo).filter((c) => c.action === 'DescribeFaceVerify').length;

describe('seed 001 liveness (real adapter, provider stub)', () => {
  it('when the provider says the person passed, then vedioAuth answers 200, a verified identity is recorded and the partner is called back', async () => {
    const { user, idNo } = await userWithIdCard();
    const token = await appToken(user);
    expect(token).toMatchObject({ status: 200, message: null });
    expect(token.attachment.verifyToken).toBe(token.attachment.certifyId);
    expect(token.attachment.certifyUrl).toContain(token.attachment.certifyId);
    expect(Date.parse(token.attachment.expiresAt)).toBeGreaterThan(Date.now());
    const init = stub.calls(idNo).find((c) => c.action === 'InitFaceVerify')!;
    expect(init.params).toMatchObject({ CertName: '王小明', CertNo: idNo, CertType: 'IDENTITY_CARD', SceneId: '1000000006' });

    expect(await vedioAuth(user)).toEqual({ attachment: null, message: null, status: 200 });
    expect(describeCalls(idNo)).toBeGreaterThan(0);
    const hook = await eventually(async () => callbacks.where((r) => r.json?.data?.method === 'liveness' && r.json?.data?.status === 'succeeded')[0], 30_000);
    const data = (new Webhook(partner.webhook_secret).verify(hook.body, hook.headers) as { data: Record<string, string> }).data;
    expect(data).toMatchObject({ method: 'liveness', result_code: 'OK' });
    const record = await findVerifiedIdentity(platform, partner.app_id, data.subject_id);
    expect(record.identity).toMatchObject({ name: '王小明', idNumber: idNo, method: 'liveness' });
  });

  it('when the app claims a pass the provider has not seen, then vedioAuth asks the provider and answers -1002', async () => {
    const { user, idNo } = await userWithIdCard();
    stub.setResult(idNo, 'pending');
    expect((await appToken(user)).status).toBe(200);
    const asked = describeCalls(idNo);
    const forged = await vedioAuth(user, { passed: 'T', Passed: 'T', verifyStatus: 1, status: 200, result: 'success' });
    expect(forged).toEqual({ attachment: null, message: '未认证，或认证失效，请重新认证', status: -1002 });
    expect(describeCalls(idNo)).toBeGreaterThan(asked);
  });

  it('when the provider says the person did not pass, then -1011 in both languages and the partner hears LIVENESS.FAILED', async () => {
    const { user, idNo } = await userWithIdCard();
    stub.setResult(idNo, { fail: '205' });
    expect((await appToken(user)).status).toBe(200);
    expect(await vedioAuth(user)).toEqual({ attachment: null, message: '实人认证未通过，请重新认证', status: -1011 });
    expect(await vedioAuth(user, {}, 'en')).toEqual({ attachment: null, message: 'The liveness verification did not pass, please verify again', status: -1011 });
    const hook = await eventually(async () => callbacks.where((r) => r.json?.data?.result_code === 'LIVENESS.FAILED')[0], 30_000);
    expect(hook.json.data).toMatchObject({ method: 'liveness', status: 'failed' });
  });

  it('when the check is not finished before its token expires, then vedioAuth answers -1002 (stale) and a new appToken starts again', async () => {
    const { user, idNo } = await userWithIdCard();
    stub.setResult(idNo, 'pending');
    expect((await appToken(user)).status).toBe(200);
    await new Promise((r) => setTimeout(r, CERTIFY_TTL_MS + 500));
    expect(await vedioAuth(user, {}, 'en')).toEqual({ attachment: null, message: 'Not verified, or the verification has expired, please verify again', status: -1002 });
    stub.setResult(idNo, 'pass');
    expect((await appToken(user)).status).toBe(200);
    expect((await vedioAuth(user)).status).toBe(200);
  });

  it('when nothing was started, or step 1 is missing or a passport, then vedioAuth -1002 and appToken -1012', async () => {
    const { user } = await userWithIdCard();
    expect((await vedioAuth(user)).status).toBe(-1002);
    const fresh = await appUser(platform, partner, 'liveness-no-step-1');
    expect(await appToken(fresh)).toEqual({ attachment: null, message: '请先提交身份证信息', status: -1012 });
    await appCall(platform, fresh, '/user/authnew', idCardStep('', { currentLocation: 2, idNumber: 'E12345678', birthday: '1990-03-07', gender: 1 }));
    expect((await appToken(fresh, 'en')).message).toBe('Please submit your ID card information first');
  });

  // Last: the open breaker stays open for the rest of the file.
  it('when the provider is down, then appToken answers -1013, and once the breaker opens the provider is not even asked', async () => {
    const { user, idNo } = await userWithIdCard();
    stub.setInit(idNo, { status: 503 });
    // The breaker opens once failures are half of the calls in its window (earlier tests' successes included).
    let skipped = false;
    for (let i = 0; i < 20 && !skipped; i++) {
      const reached = stub.calls(idNo).length;
      expect(await appToken(user, i % 2 ? 'en' : 'zh-CN')).toEqual({
        attachment: null,
        message: i % 2 ? 'The liveness service is temporarily unavailable, please try again later' : '实人认证服务暂不可用，请稍后重试',
        status: -1013,
      });
      skipped = stub.calls(idNo).length === reached;
    }
    expect(skipped).toBe(true);
  });
});
