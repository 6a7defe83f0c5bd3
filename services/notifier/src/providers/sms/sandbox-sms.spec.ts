import { failureOf, recordingLogger } from '@kyc/provider-stubs';
import { SANDBOX_SMS_NUMBERS, SandboxSms } from './sandbox-sms';

const logger = recordingLogger();
const sandbox = new SandboxSms({ timeoutMs: 5, logger });
const codeTo = (mobile: string, code: string) => ({ mobile, templateCode: 'SMS_153055065', params: { code } });

describe('sandbox SMS', () => {
  it('when a code is sent, then nothing leaves, the last code per number can be read, and the log has the number masked and no code', async () => {
    await sandbox.send(codeTo('18012345611', '111111'));
    const { providerReference } = await sandbox.send(codeTo('18012345611', '222222'));
    expect(providerReference).toMatch(/^sandbox-/);
    expect(sandbox.lastCode('18012345611')).toBe('222222');
    expect(sandbox.lastCode('18012345612')).toBeUndefined();
    expect(logger.text()).toContain('180******11');
    for (const secret of ['18012345611', '111111', '222222']) expect(logger.text()).not.toContain(secret);
  });

  it.each([
    [SANDBOX_SMS_NUMBERS.refused, 'KYC.SMS.REFUSED'],
    [SANDBOX_SMS_NUMBERS.hang, 'KYC.SMS.TIMEOUT'],
    [SANDBOX_SMS_NUMBERS.rateLimited, 'KYC.SMS.RATE_LIMITED'],
  ])('when the number is the test number %s, then the send fails with %s and nothing is kept', async (mobile, code) => {
    expect((await failureOf(sandbox.send(codeTo(mobile, '333333')))).code).toBe(code);
    expect(sandbox.lastCode(mobile)).toBeUndefined();
  });
});

describe('sandbox SMS outbox directory (development only)', () => {
  it('when a directory is given, then each message is written there for tools to read; http mode refuses the setting', async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { selectSms } = await import('./select-sms');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sms-sandbox-'));
    try {
      await new SandboxSms({ timeoutMs: 5, logger, outboxDir: dir }).send(codeTo('18012345611', '444444'));
      expect(JSON.parse(readFileSync(path.join(dir, '18012345611.json'), 'utf8'))).toMatchObject({ params: { code: '444444' } });
      const http = { mode: 'http', url: 'https://dysmsapi.aliyuncs.com', accessKeyId: 'id', accessKeySecret: 'secret', signName: 'KYC', sandboxDir: dir };
      expect(() => selectSms({ ...http, timeoutMs: 5, retries: 0, retryBaseMs: 1, breakerVolume: 5, breakerErrorPercent: 50, breakerResetMs: 1000 }, logger)).toThrow(/SMS_SANDBOX_DIR/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
