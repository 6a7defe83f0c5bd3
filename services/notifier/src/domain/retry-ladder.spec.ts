import { maxAttempts, nextRetryDelayMs, RETRY_LADDER_MS } from './retry-ladder';

describe('retry ladder', () => {
  it('when every step waits its full length, then the ladder covers about a day', () => {
    const total = RETRY_LADDER_MS.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(20 * 3_600_000);
    expect(total).toBeLessThan(28 * 3_600_000);
  });

  it('when the draw is at its extremes, then the wait stays within 0 and the step (full jitter)', () => {
    RETRY_LADDER_MS.forEach((step, i) => {
      expect(nextRetryDelayMs(i + 1, { random: () => 0 })).toBe(0);
      expect(nextRetryDelayMs(i + 1, { random: () => 0.999999 })).toBeLessThan(step);
      expect(nextRetryDelayMs(i + 1, { random: () => 0.999999 })).toBeGreaterThan(step * 0.99);
    });
  });

  it('when random draws are used, then every wait is within its bounds', () => {
    for (let i = 0; i < 1000; i++) {
      const attempt = 1 + (i % RETRY_LADDER_MS.length);
      const d = nextRetryDelayMs(attempt)!;
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(RETRY_LADDER_MS[attempt - 1]);
    }
  });

  it('when the ladder is exhausted, then there is no further wait (the callback is parked)', () => {
    expect(nextRetryDelayMs(RETRY_LADDER_MS.length + 1)).toBeUndefined();
    expect(maxAttempts()).toBe(RETRY_LADDER_MS.length + 1);
  });

  it('when a scale is set, then every step shrinks by it', () => {
    expect(nextRetryDelayMs(1, { scale: 0.001, random: () => 0.5 })).toBe(5);
    expect(nextRetryDelayMs(11, { scale: 0.001, random: () => 0.5 })).toBe(14_400);
  });
});
