import { TEST_PROVIDER_SETTINGS, WechatFaceBehaviour, WechatFaceStub, failureOf, recordingLogger, startWechatFaceStub } from '@kyc/provider-stubs';
import { HttpWechatFace } from './http-wechat-face';

let stub: WechatFaceStub;
beforeAll(async () => (stub = await startWechatFaceStub({ tokenLifetimeSeconds: 7200 })));
afterAll(() => stub.close());

const ZHANG_SAN = { idNumber: '11010519491231002X', name: '张三' };
/** Computed with md5sum, not with the code under test. */
const ZHANG_SAN_DIGESTS = { idCardNumberMd5: 'ae05564031c21338aa8a2e7266e7855c', nameUtf8Md5: '615db57aa314529aaa0fbe95b3e95bd3' };
const REFRESH_MARGIN_MS = 300_000;

const adapters: HttpWechatFace[] = [];
afterEach(() => adapters.splice(0).forEach((a) => a.shutdown()));
function adapter(opts: { logger?: ReturnType<typeof recordingLogger>; appId?: string; appSecret?: string; now?: () => number } = {}) {
  const a = new HttpWechatFace({
    url: stub.url,
    appId: opts.appId ?? stub.credentials.appId,
    appSecret: opts.appSecret ?? stub.credentials.appSecret,
    tokenRefreshMarginMs: REFRESH_MARGIN_MS,
    ...TEST_PROVIDER_SETTINGS,
    logger: opts.logger ?? recordingLogger(),
    now: opts.now,
  });
  adapters.push(a);
  return a;
}

let n = 0;
/** A verify result the stub answers with the given behaviours. */
function verifyResult(...behaviours: WechatFaceBehaviour[]): string {
  const value = `XXIzTtMqCxwOaawoE91-VJdsFmv7b8g0VZIZkqfAuiDAg${++n}`;
  stub.setResult(value, ...behaviours);
  return value;
}
const passed = () => verifyResult({ identity: ZHANG_SAN });

describe('HTTP WeChat face result query against the stub', () => {
  it('when the face check passed, then the result carries WeChat\'s verdict, time and digests, and one token serves several queries', async () => {
    const issued = stub.tokensIssued();
    const a = adapter();
    const first = verifyResult({ identity: ZHANG_SAN, identifyTime: 1515386034 });
    expect(await a.result(first)).toEqual({
      passed: true,
      identifyRet: 0,
      identifyTime: new Date(1515386034_000),
      ...ZHANG_SAN_DIGESTS,
      providerReference: expect.stringMatching(/^wxface-[0-9a-f]{32}$/),
    });
    const second = passed();
    await a.result(second);
    expect(stub.tokensIssued() - issued).toBe(1);
    expect(stub.calls(second)[0].accessToken).toBe(stub.calls(first)[0].accessToken);
  });

  it('when queries arrive together with no token cached, then they share one token fetch', async () => {
    const issued = stub.tokensIssued();
    const a = adapter();
    await Promise.all([a.result(passed()), a.result(passed()), a.result(passed())]);
    expect(stub.tokensIssued() - issued).toBe(1);
  });

  it('when the cached token comes within the refresh margin of its expiry, then a new one is fetched first', async () => {
    let now = Date.now();
    const a = adapter({ now: () => now });
    const issued = stub.tokensIssued();
    await a.result(passed());
    now += 7_200_000 - REFRESH_MARGIN_MS - 1_000;
    await a.result(passed());
    expect(stub.tokensIssued() - issued).toBe(1);
    now += 2_000;
    await a.result(passed());
    expect(stub.tokensIssued() - issued).toBe(2);
  });

  it.each([
    ['revoked (40001)', () => stub.revokeTokens()],
    ['expired (42001)', () => stub.expireTokens()],
  ])('when WeChat calls the cached token %s, then the token is refreshed once and the query asked again', async (_what, retire) => {
    const a = adapter();
    await a.result(passed());
    retire();
    const issued = stub.tokensIssued();
    const value = passed();
    expect((await a.result(value)).passed).toBe(true);
    const [rejected, accepted] = stub.calls(value);
    expect(rejected.accessToken).not.toBe(accepted.accessToken);
    expect(stub.tokensIssued() - issued).toBe(1);
  });

  it('when WeChat rejects even a freshly issued token, then the query fails with KYC.WECHAT_FACE.REFUSED after one refresh', async () => {
    const value = verifyResult({ errcode: 40001 });
    expect((await failureOf(adapter().result(value))).code).toBe('KYC.WECHAT_FACE.REFUSED');
    expect(stub.calls(value)).toHaveLength(2);
  });

  it('when the partner passes its own token, then it is used as is, without fetching one, even with no app configured', async () => {
    const issued = stub.tokensIssued();
    const token = stub.partnerToken();
    const value = passed();
    expect((await adapter({ appId: '', appSecret: '' }).result(value, { accessToken: token })).passed).toBe(true);
    expect(stub.calls(value)).toEqual([{ verifyResult: value, accessToken: token }]);
    expect(stub.tokensIssued()).toBe(issued);
  });

  it('when the partner\'s token is not valid, then the query fails with KYC.WECHAT_FACE.BAD_ACCESS_TOKEN and is not retried with another', async () => {
    const value = passed();
    const err = await failureOf(adapter().result(value, { accessToken: 'an-expired-partner-token' }));
    expect(err).toMatchObject({ code: 'KYC.WECHAT_FACE.BAD_ACCESS_TOKEN', kind: 'invalid_argument' });
    expect(stub.calls(value)).toHaveLength(1);
  });

  it('when WeChat\'s face check did not pass, then the result says so with its identify_ret', async () => {
    const result = await adapter().result(verifyResult({ identity: ZHANG_SAN, identifyRet: 10003 }));
    expect(result).toMatchObject({ passed: false, identifyRet: 10003 });
  });

  it('when WeChat has no result for the verify result, then the query fails with KYC.WECHAT_FACE.BAD_VERIFY_RESULT, which does not count against WeChat', async () => {
    const a = adapter();
    for (let i = 0; i < 4; i++) {
      expect(await failureOf(a.result(`made-up-by-the-app-${i}`))).toMatchObject({ code: 'KYC.WECHAT_FACE.BAD_VERIFY_RESULT', kind: 'invalid_argument' });
    }
    expect((await a.result(passed())).passed).toBe(true);
  });

  it.each([
    ['errcode -1 (busy)', { errcode: -1 }, 'KYC.WECHAT_FACE.UNAVAILABLE'],
    ['errcode 45011 (quota)', { errcode: 45011 }, 'KYC.WECHAT_FACE.REFUSED'],
    ['HTTP 500', { status: 500 }, 'KYC.WECHAT_FACE.UNAVAILABLE'],
    ['nothing in time', 'hang' as const, 'KYC.WECHAT_FACE.TIMEOUT'],
  ])('when WeChat answers %s, then the query fails with the retriable %s', async (_what, behaviour, code) => {
    expect(await failureOf(adapter().result(verifyResult(behaviour)))).toMatchObject({ code, retriable: true });
  });

  it('when WeChat answers 503 once, then the query (it only reads) is asked again and answers', async () => {
    const value = verifyResult({ status: 503 }, { identity: ZHANG_SAN });
    expect((await adapter().result(value)).passed).toBe(true);
    expect(stub.calls(value)).toHaveLength(2);
  });

  it('when WeChat keeps failing, then the breaker opens and queries fail fast without reaching it', async () => {
    const a = adapter();
    await a.result(passed());
    const value = verifyResult({ status: 500 });
    for (let i = 0; i < 3; i++) await failureOf(a.result(value));
    expect((await failureOf(a.result(value))).code).toBe('KYC.WECHAT_FACE.BREAKER_OPEN');
    expect(stub.calls(value)).toHaveLength(3);
  });

  it('when the app secret is wrong, then the query fails with KYC.WECHAT_FACE.REFUSED and neither the secrets nor the verify result reach the error or the log', async () => {
    const logger = recordingLogger();
    const value = passed();
    const err = await failureOf(adapter({ logger, appSecret: 'not-the-secret' }).result(value));
    expect(err).toMatchObject({ code: 'KYC.WECHAT_FACE.REFUSED', message: 'wechat-face: token: errcode 40001' });
    expect(stub.calls(value)).toHaveLength(0);
    for (const secret of ['not-the-secret', stub.credentials.appSecret, value]) {
      expect(err.message).not.toContain(secret);
      expect(logger.text()).not.toContain(secret);
    }
  });

  it('when the token endpoint is busy, then the query fails with KYC.WECHAT_FACE.UNAVAILABLE, nothing is cached, and the next query fetches a token', async () => {
    stub.setToken({ errcode: -1 }, 'issue');
    const a = adapter();
    const issued = stub.tokensIssued();
    expect((await failureOf(a.result(passed()))).code).toBe('KYC.WECHAT_FACE.UNAVAILABLE');
    expect((await a.result(passed())).passed).toBe(true);
    expect(stub.tokensIssued() - issued).toBe(1);
  });

  it('when no token is given and no app is configured, then the query fails with KYC.WECHAT_FACE.NOT_CONFIGURED', async () => {
    expect(await failureOf(adapter({ appId: '', appSecret: '' }).result(passed()))).toMatchObject({
      code: 'KYC.WECHAT_FACE.NOT_CONFIGURED',
      kind: 'failed_precondition',
    });
  });

  it('when the verify result is not something WeChat could have issued, then the query fails with KYC.WECHAT_FACE.BAD_INPUT before any call', async () => {
    const before = stub.calls().length;
    expect(await failureOf(adapter().result('has spaces'))).toMatchObject({ code: 'KYC.WECHAT_FACE.BAD_INPUT', message: 'wechat-face: verifyResult must be 1-1024 printable ASCII characters' });
    expect(stub.calls()).toHaveLength(before);
  });

  it('when only one of the app id and secret is configured, then the adapter refuses to start', () => {
    expect(() => adapter({ appSecret: '' })).toThrow('WECHAT_FACE_APP_ID and WECHAT_FACE_APP_SECRET are set together or not at all');
  });
});
