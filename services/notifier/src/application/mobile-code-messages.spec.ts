import { recordingLogger } from '@kyc/provider-stubs';
import { unavailable } from '@kyc/core';
import { MobileCodeMessages } from './mobile-code-messages';

const seal = (text: string, context: string) => Buffer.from(JSON.stringify({ text, context }));
const open = (sealed: Uint8Array, context: string) => {
  const v = JSON.parse(Buffer.from(sealed).toString()) as { text: string; context: string };
  if (v.context !== context) throw new Error('wrong context');
  return v.text;
};
const event = (expiresAt = new Date(Date.now() + 60_000)) => ({
  codeId: 'c1',
  partnerId: 'p1',
  mobileSealed: seal('18012345611', 'mobile-code:c1:mobile'),
  codeSealed: seal('654321', 'mobile-code:c1:code'),
  expiresAt,
});

describe('mobile code messages', () => {
  it('when a code is requested, then it is sent to the number with the template, and the log has neither in clear', async () => {
    const logger = recordingLogger();
    const sms = { send: jest.fn(async () => ({ providerReference: 'biz-1' })) };
    await new MobileCodeMessages({ sms, open, templateCode: 'SMS_153055065', logger }).deliver(event());
    expect(sms.send).toHaveBeenCalledWith({ mobile: '18012345611', templateCode: 'SMS_153055065', params: { code: '654321' }, outId: 'c1' });
    expect(logger.text()).toContain('180******11');
    for (const secret of ['18012345611', '654321']) expect(logger.text()).not.toContain(secret);
  });

  it('when the code has already expired, then nothing is sent; when the gateway fails, then it is not sent again', async () => {
    const logger = recordingLogger();
    const sms = { send: jest.fn(async () => Promise.reject(unavailable('KYC.SMS.TIMEOUT', 'no answer'))) };
    const messages = new MobileCodeMessages({ sms, open, templateCode: 'SMS_153055065', logger });
    await messages.deliver(event(new Date(Date.now() - 1)));
    expect(sms.send).not.toHaveBeenCalled();
    await expect(messages.deliver(event())).resolves.toBeUndefined();
    expect(sms.send).toHaveBeenCalledTimes(1);
    expect(logger.text()).toContain('KYC.SMS.TIMEOUT');
  });
});
