import { Logger } from '@kyc/core';
import { HttpIdAuthority, HttpIdAuthorityOptions } from './http-id-authority';
import { IdAuthority } from './id-authority';
import { SandboxIdAuthority } from './sandbox-id-authority';

export interface IdAuthorityConfig {
  mode: string;
  url: string;
  appcode: string;
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  breakerVolume: number;
  breakerErrorPercent: number;
  breakerResetMs: number;
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
  return new HttpIdAuthority({
    baseUrl: config.url,
    appcode: config.appcode,
    timeoutMs: config.timeoutMs,
    retries: config.retries,
    retryBaseMs: config.retryBaseMs,
    breaker: { volumeThreshold: config.breakerVolume, errorThresholdPercentage: config.breakerErrorPercent, resetTimeoutMs: config.breakerResetMs },
    logger,
    onResult,
  });
}
