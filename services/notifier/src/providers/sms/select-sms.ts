import { Logger } from '@kyc/core';
import { ProviderConfigValues, providerClientSettings } from '@kyc/provider-kit';
import { DysmsSettings, HttpSms, HttpSmsOptions } from './http-sms';
import { SandboxSms } from './sandbox-sms';
import { SmsSender } from './sms';

export interface SmsConfig extends ProviderConfigValues, DysmsSettings {
  /** Sandbox only (SMS_SANDBOX_DIR): where the sandbox writes each message for development tools to read. */
  sandboxDir?: string;
}

/** The adapter SMS_MODE names; `http` is the default so production never lands on the sandbox. */
export function selectSms(config: SmsConfig, logger: Logger, onResult?: HttpSmsOptions['onResult']): SmsSender & { shutdown?(): void } {
  if (config.mode === 'sandbox') {
    logger.warn('SMS: sandbox (nothing is sent; fixed test numbers fail; not for production)');
    return new SandboxSms({ timeoutMs: config.timeoutMs, logger, outboxDir: config.sandboxDir || undefined });
  }
  if (config.sandboxDir) throw new Error('SMS_SANDBOX_DIR is for SMS_MODE=sandbox only: real codes are never written to disk');
  return new HttpSms({ ...config, ...providerClientSettings(config), logger, onResult });
}
