import { Logger } from '@kyc/core';
import { ProviderConfigValues, providerClientSettings } from '@kyc/provider-kit';
import { HttpIdAuthority, HttpIdAuthorityOptions } from './http-id-authority';
import { IdAuthority } from './id-authority';
import { SandboxIdAuthority } from './sandbox-id-authority';

export interface IdAuthorityConfig extends ProviderConfigValues {
  appcode: string;
}

/** The adapter ID_AUTHORITY_MODE names; `http` is the default so production never lands on the sandbox. */
export function selectIdAuthority(
  config: IdAuthorityConfig,
  logger: Logger,
  onResult?: HttpIdAuthorityOptions['onResult'],
): IdAuthority & { shutdown?(): void } {
  if (config.mode === 'sandbox') {
    logger.warn('ID authority: sandbox (deterministic test identities; not for production)');
    return new SandboxIdAuthority({ timeoutMs: config.timeoutMs });
  }
  return new HttpIdAuthority({ ...providerClientSettings(config), baseUrl: config.url, appcode: config.appcode, logger, onResult });
}
