import { loadConfig } from '@kyc/core';
import { providerClientSettings, providerConfig, requireSettings } from './provider-config';

const schema = { sms: providerConfig('SMS', { what: 'the SMS gateway', credentials: { accessKeyId: 'ACCESS_KEY_ID', accessKeySecret: 'ACCESS_KEY_SECRET' }, defaults: { url: 'https://dysmsapi.aliyuncs.com' } }) };

describe('providerConfig', () => {
  it('when nothing is set, then the mode is http and the common defaults apply', () => {
    const { sms } = loadConfig(schema, {});
    expect(sms).toEqual({
      mode: 'http',
      url: 'https://dysmsapi.aliyuncs.com',
      accessKeyId: '',
      accessKeySecret: '',
      timeoutMs: 5_000,
      retries: 2,
      retryBaseMs: 200,
      breakerVolume: 5,
      breakerErrorPercent: 50,
      breakerResetMs: 30_000,
    });
  });

  it('when the variables named after the prefix are set, then they are read, credentials included', () => {
    const { sms } = loadConfig(schema, {
      SMS_MODE: 'sandbox',
      SMS_ACCESS_KEY_ID: 'id',
      SMS_ACCESS_KEY_SECRET: 'secret',
      SMS_TIMEOUT_MS: '900',
      SMS_BREAKER_RESET_MS: '1000',
    });
    expect(sms).toMatchObject({ mode: 'sandbox', accessKeyId: 'id', accessKeySecret: 'secret', timeoutMs: 900 });
    expect(providerClientSettings(sms)).toEqual({
      timeoutMs: 900,
      retries: 2,
      retryBaseMs: 200,
      breaker: { volumeThreshold: 5, errorThresholdPercentage: 50, resetTimeoutMs: 1000 },
    });
  });

  it('when the mode is not http or sandbox, then loading fails naming the key', () => {
    expect(() => loadConfig(schema, { SMS_MODE: 'live' })).toThrow(/sms\.mode/);
  });

  it('when credentials are declared, then they are marked sensitive so convict masks them', () => {
    expect(schema.sms.accessKeySecret).toMatchObject({ env: 'SMS_ACCESS_KEY_SECRET', sensitive: true });
  });
});

describe('requireSettings', () => {
  it('when a setting an http adapter needs is empty, then it refuses naming the variable', () => {
    expect(() => requireSettings({ url: 'https://x', signName: '' }, { url: 'SMS_URL', signName: 'SMS_SIGN_NAME' }, 'SMS_MODE=http')).toThrow(
      'SMS_SIGN_NAME is required when SMS_MODE=http',
    );
    expect(() => requireSettings({ url: 'https://x' }, { url: 'SMS_URL' }, 'SMS_MODE=http')).not.toThrow();
  });
});
