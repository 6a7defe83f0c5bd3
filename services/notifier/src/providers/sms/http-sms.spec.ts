import http from 'node:http';
import { AddressInfo } from 'node:net';
import { SmsStub, TEST_PROVIDER_SETTINGS, failureOf, recordingLogger, startSmsStub } from '@kyc/provider-stubs';
import { HttpSms } from './http-sms';

let stub: SmsStub;
beforeAll(async () => (stub = await startSmsStub()));
afterAll(() => stub.close());

const senders: HttpSms[] = [];
afterEach(() => senders.splice(0).forEach((s) => s.shutdown()));
function sender(opts: { logger?: ReturnType<typeof recordingLogger>; url?: string; accessKeySecret?: string } = {}) {
  const s = new HttpSms({
    url: opts.url ?? stub.url,
    accessKeyId: stub.credentials.accessKeyId,
    accessKeySecret: opts.accessKeySecret ?? stub.credentials.accessKeySecret,
    signName: '实名认证',
    ...TEST_PROVIDER_SETTINGS,
    logger: opts.logger ?? recordingLogger(),
  });
  senders.push(s);
  return s;
}

let n = 0;
const freshMobile = () => `1391234${String(++n).padStart(4, '0')}`;
const codeTo = (mobile: string, code = '482913') => ({ mobile, templateCode: 'SMS_153055065', params: { code }, outId: `verif-${n}` });

describe('HTTP SMS (Alibaba Cloud dysmsapi) against the stub', () => {
  it('when the gateway accepts the message, then its BizId is the reference and it got the signed template, variables and OutId', async () => {
    const mobile = freshMobile();
    const { providerReference } = await sender().send(codeTo(mobile));
    expect(stub.messages(mobile)).toEqual([
      { mobile, signName: '实名认证', templateCode: 'SMS_153055065', params: { code: '482913' }, outId: `verif-${n}`, bizId: providerReference },
    ]);
  });

  it('when the gateway rate-limits the number, then the send fails with KYC.SMS.RATE_LIMITED naming the number masked', async () => {
    const mobile = freshMobile();
    stub.set(mobile, { code: 'isv.BUSINESS_LIMIT_CONTROL' });
    const err = await failureOf(sender().send(codeTo(mobile)));
    expect(err).toMatchObject({ code: 'KYC.SMS.RATE_LIMITED', kind: 'resource_exhausted', retriable: false });
    expect(err.message).toContain(`${mobile.slice(0, 3)}******${mobile.slice(-2)}`);
    expect(err.message).not.toContain(mobile);
  });

  it('when the gateway calls the number illegal, then the send fails with KYC.SMS.BAD_INPUT', async () => {
    const mobile = freshMobile();
    stub.set(mobile, { code: 'isv.MOBILE_NUMBER_ILLEGAL' });
    expect(await failureOf(sender().send(codeTo(mobile)))).toMatchObject({ code: 'KYC.SMS.BAD_INPUT', kind: 'invalid_argument' });
  });

  it.each([
    ['503', { status: 503 }, 'KYC.SMS.UNAVAILABLE'],
    ['no answer', 'hang' as const, 'KYC.SMS.TIMEOUT'],
  ])('when the gateway answers %s, then the message is not sent again (it may have gone out)', async (_what, behaviour, code) => {
    const mobile = freshMobile();
    stub.set(mobile, behaviour, 'ok');
    expect((await failureOf(sender().send(codeTo(mobile)))).code).toBe(code);
    expect(stub.attempts(mobile)).toBe(1);
  });

  it('when the connection is refused, then it is tried again, since nothing was sent', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((r) => closed.close(r));
    const logger = recordingLogger();
    expect((await failureOf(sender({ logger, url }).send(codeTo(freshMobile())))).code).toBe('KYC.SMS.UNAVAILABLE');
    expect(logger.text().match(/provider call failed; retrying/g)).toHaveLength(2);
  });

  it('when the request is signed with another secret, then the gateway refuses it and neither the number, the code nor the secret reaches the error or the log', async () => {
    const logger = recordingLogger();
    const mobile = freshMobile();
    const err = await failureOf(sender({ logger, accessKeySecret: 'not-the-secret' }).send(codeTo(mobile, '771204')));
    expect(err).toMatchObject({ code: 'KYC.SMS.REFUSED', message: expect.stringContaining('SignatureDoesNotMatch') });
    expect(stub.refusals()).toContain('SignatureDoesNotMatch');
    for (const secret of [mobile, '771204', 'not-the-secret']) {
      expect(err.message).not.toContain(secret);
      expect(logger.text()).not.toContain(secret);
    }
  });

  it('when the message is not one the gateway takes, then the send fails with KYC.SMS.BAD_INPUT before any call', async () => {
    expect(await failureOf(sender().send(codeTo('12345')))).toMatchObject({ code: 'KYC.SMS.BAD_INPUT', message: 'sms: mobile must be an 11-digit mainland mobile number' });
    expect((await failureOf(sender().send({ ...codeTo(freshMobile()), templateCode: 'welcome' }))).code).toBe('KYC.SMS.BAD_INPUT');
    expect(stub.attempts('12345')).toBe(0);
  });
});
