import { Logger } from '@kyc/core';
import { ProviderConfigValues, providerClientSettings } from '@kyc/provider-kit';
import { CloudauthSettings, HttpLiveness, HttpLivenessOptions } from './http-liveness';
import { Liveness } from './liveness';
import { SandboxLiveness } from './sandbox-liveness';

export interface LivenessConfig extends ProviderConfigValues, CloudauthSettings {}

/** The adapter LIVENESS_MODE names; `http` is the default so production never lands on the sandbox. */
export function selectLiveness(config: LivenessConfig, logger: Logger, onResult?: HttpLivenessOptions['onResult']): Liveness & { shutdown?(): void } {
  if (config.mode === 'sandbox') {
    logger.warn('liveness: sandbox (deterministic test identities; not for production)');
    return new SandboxLiveness({ timeoutMs: config.timeoutMs, certifyTtlMs: config.certifyTtlMs });
  }
  return new HttpLiveness({ ...config, ...providerClientSettings(config), logger, onResult });
}
