import CircuitBreaker from 'opossum';
import { Gauge, Registry } from 'prom-client';

/**
 * The breakers of this process's provider clients, by provider name, so that operators can see
 * which provider the platform has stopped calling: 0 closed, 1 half-open, 2 open.
 */
const breakers = new Map<string, CircuitBreaker>();

export const BREAKER_STATE = { closed: 0, halfOpen: 1, open: 2 } as const;

export function trackBreaker(provider: string, breaker: CircuitBreaker): void {
  breakers.set(provider, breaker);
}

export function untrackBreaker(provider: string, breaker: CircuitBreaker): void {
  if (breakers.get(provider) === breaker) breakers.delete(provider);
}

export function breakerState(breaker: Pick<CircuitBreaker, 'opened' | 'halfOpen'>): number {
  if (breaker.halfOpen) return BREAKER_STATE.halfOpen;
  return breaker.opened ? BREAKER_STATE.open : BREAKER_STATE.closed;
}

/** Serves `provider_breaker_state{provider}` from `registry` (call once per process, in main). */
export function exposeProviderBreakerStates(registry: Registry): void {
  const gauge: Gauge<'provider'> = new Gauge({
    name: 'provider_breaker_state',
    help: 'Circuit breaker of each provider: 0 closed, 1 half-open (trying one call), 2 open (failing fast)',
    labelNames: ['provider'],
    registers: [registry],
    collect() {
      gauge.reset();
      for (const [provider, breaker] of breakers) gauge.set({ provider }, breakerState(breaker));
    },
  });
}
