import { ConfigSchema } from '@kyc/core';
import { ProviderClientSettings } from './provider-client';

/**
 * The configuration every provider has, declared once so that each service adds a provider with
 * one line in its `src/config.ts`:
 *
 *   idAuthority: { ...providerConfig('ID_AUTHORITY', { what: 'the ID authority', credentials: { appcode: 'APPCODE' } }), giveUpMs: … }
 *
 * gives ID_AUTHORITY_MODE (http | sandbox; http by default, so production never lands on the
 * sandbox), _URL, _APPCODE, _TIMEOUT_MS, _RETRIES, _RETRY_BASE_MS, _BREAKER_VOLUME,
 * _BREAKER_ERROR_PERCENT and _BREAKER_RESET_MS. Credentials are sensitive: convict masks them and
 * they are never logged. deploy/helm/check.sh reads the env suffixes from this file: keep each
 * `env:` a template literal on `${prefix}_`.
 */
export interface ProviderConfigValues {
  mode: string;
  url: string;
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  breakerVolume: number;
  breakerErrorPercent: number;
  breakerResetMs: number;
}

export interface ProviderConfigOptions<C extends string> {
  /** The provider in the keys' docs: 'the ID authority'. */
  what: string;
  /** Credential keys and their env suffix: { appcode: 'APPCODE' } gives ID_AUTHORITY_APPCODE. */
  credentials: Record<C, string>;
  /** Defaults that differ from the common ones (the URL of the provider's public endpoint, a longer timeout). */
  defaults?: Partial<Omit<ProviderConfigValues, 'mode'>>;
}

const COMMON_DEFAULTS: Omit<ProviderConfigValues, 'mode'> = {
  url: '',
  timeoutMs: 5_000,
  retries: 2,
  retryBaseMs: 200,
  breakerVolume: 5,
  breakerErrorPercent: 50,
  breakerResetMs: 30_000,
};

export function providerConfig<C extends string>(
  prefix: string,
  opts: ProviderConfigOptions<C>,
): ConfigSchema<ProviderConfigValues & Record<C, string>> {
  if (!/^[A-Z][A-Z0-9_]*$/.test(prefix)) throw new Error(`provider env prefix must be upper snake case, got "${prefix}"`);
  const d = { ...COMMON_DEFAULTS, ...opts.defaults };
  const { what } = opts;
  const common: ConfigSchema<ProviderConfigValues> = {
    mode: {
      doc: `Adapter of ${what}: http (the real provider at ${prefix}_URL) or sandbox (deterministic test identities, see README)`,
      format: ['http', 'sandbox'],
      default: 'http',
      env: `${prefix}_MODE`,
    },
    url: { doc: `Base URL of ${what} (http mode)`, format: String, default: d.url, env: `${prefix}_URL` },
    timeoutMs: { doc: `Timeout of one request to ${what}`, format: 'nat', default: d.timeoutMs, env: `${prefix}_TIMEOUT_MS` },
    retries: {
      doc: 'Extra attempts within one call after connection refused, or HTTP 502/503/504 where the call is safe to repeat',
      format: 'nat',
      default: d.retries,
      env: `${prefix}_RETRIES`,
    },
    retryBaseMs: { doc: 'First back-off between those attempts (doubles each time)', format: 'nat', default: d.retryBaseMs, env: `${prefix}_RETRY_BASE_MS` },
    breakerVolume: { doc: 'Calls within the rolling window before the breaker may open', format: 'nat', default: d.breakerVolume, env: `${prefix}_BREAKER_VOLUME` },
    breakerErrorPercent: { doc: 'Failure percentage that opens the breaker', format: 'nat', default: d.breakerErrorPercent, env: `${prefix}_BREAKER_ERROR_PERCENT` },
    breakerResetMs: {
      doc: 'How long the open breaker fails calls fast before letting one through',
      format: 'nat',
      default: d.breakerResetMs,
      env: `${prefix}_BREAKER_RESET_MS`,
    },
  };
  const credentials = Object.fromEntries(
    Object.entries<string>(opts.credentials).map(([key, suffix]) => [
      key,
      { doc: `${suffix} credential of ${what} (http mode); never logged`, format: String, default: '', env: `${prefix}_${suffix}`, sensitive: true },
    ]),
  );
  return { ...common, ...credentials } as ConfigSchema<ProviderConfigValues & Record<C, string>>;
}

/** The client settings a provider's configuration gives. */
export const providerClientSettings = (config: ProviderConfigValues): ProviderClientSettings => ({
  timeoutMs: config.timeoutMs,
  retries: config.retries,
  retryBaseMs: config.retryBaseMs,
  breaker: { volumeThreshold: config.breakerVolume, errorThresholdPercentage: config.breakerErrorPercent, resetTimeoutMs: config.breakerResetMs },
});

/**
 * Refuses to build an http adapter with an empty setting, naming its variable:
 * requireSettings(opts, { url: 'SMS_URL', signName: 'SMS_SIGN_NAME' }, 'SMS_MODE=http').
 */
export function requireSettings<T extends object>(values: T, envNames: Partial<Record<keyof T, string>>, when: string): void {
  for (const [key, env] of Object.entries(envNames) as [keyof T, string][]) {
    if (!values[key]) throw new Error(`${env} is required when ${when}`);
  }
}
