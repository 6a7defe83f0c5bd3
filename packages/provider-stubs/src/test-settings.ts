import { ProviderClientSettings } from '@kyc/provider-kit';

/** Client settings for adapter tests against the stubs: short back-off, a breaker that opens after 3 calls and stays open for the test. */
export const TEST_PROVIDER_SETTINGS: ProviderClientSettings = {
  // Generous: a first request on a loaded machine (tests run in parallel) can take a few hundred ms.
  timeoutMs: 1_500,
  retries: 2,
  retryBaseMs: 5,
  breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 },
};
