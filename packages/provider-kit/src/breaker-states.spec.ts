import CircuitBreaker from 'opossum';
import { Registry } from 'prom-client';
import { exposeProviderBreakerStates, trackBreaker, untrackBreaker } from './breaker-states';

const failing = () => Promise.reject(new Error('down'));

describe('provider breaker states', () => {
  it('when a provider breaker opens, then the gauge reports 2 for it and 0 for a healthy one', async () => {
    const registry = new Registry();
    exposeProviderBreakerStates(registry);
    const down = new CircuitBreaker(failing, { volumeThreshold: 1, errorThresholdPercentage: 1, resetTimeout: 60_000 });
    const healthy = new CircuitBreaker(() => Promise.resolve('ok'));
    trackBreaker('sms-down', down);
    trackBreaker('sms-healthy', healthy);
    await down.fire().catch(() => undefined);

    const text = await registry.metrics();
    expect(text).toContain('provider_breaker_state{provider="sms-down"} 2');
    expect(text).toContain('provider_breaker_state{provider="sms-healthy"} 0');

    untrackBreaker('sms-down', down);
    untrackBreaker('sms-healthy', healthy);
    expect(await registry.metrics()).not.toContain('sms-down');
    down.shutdown();
    healthy.shutdown();
  });

  it('when an open breaker lets one call through, then the gauge reports 1 (half-open)', async () => {
    const registry = new Registry();
    exposeProviderBreakerStates(registry);
    const breaker = new CircuitBreaker(failing, { volumeThreshold: 1, errorThresholdPercentage: 1, resetTimeout: 50 });
    trackBreaker('ecard:x', breaker);
    await breaker.fire().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 120));
    expect(await registry.metrics()).toContain('provider_breaker_state{provider="ecard:x"} 1');
    untrackBreaker('ecard:x', breaker);
    breaker.shutdown();
  });
});
