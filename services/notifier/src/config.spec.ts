import { loadConfig } from '@kyc/core';
import { notifierConfigSchema } from './config';

const base = { KYC_MASTER_KEY: 'a'.repeat(64), GRPC_TLS_CA_FILE: 'ca', GRPC_TLS_CERT_FILE: 'crt', GRPC_TLS_KEY_FILE: 'key' };

describe('notifier configuration', () => {
  it('when callback settings are given, then they are read as numbers', () => {
    const c = loadConfig(notifierConfigSchema, { ...base, CALLBACK_RETRY_SCALE: '0.001', CALLBACK_TIMEOUT_MS: '1500' });
    expect(c.callbacks.retryScale).toBe(0.001);
    expect(c.callbacks.timeoutMs).toBe(1500);
    expect(c.callbacks.maxInFlightPerPartner).toBe(4);
  });

  it('when the retry scale is not positive, then the service refuses to start naming it', () => {
    expect(() => loadConfig(notifierConfigSchema, { ...base, CALLBACK_RETRY_SCALE: '0' })).toThrow(/retryScale/);
    expect(() => loadConfig(notifierConfigSchema, { ...base, CALLBACK_RETRY_SCALE: 'fast' })).toThrow(/retryScale/);
  });
});
