/**
 * When to try a failed callback again: a ladder of waits adding up to about a day, then the
 * callback is parked. Each wait is drawn with "full jitter" (uniformly between 0 and the step) so
 * that callbacks that failed together (a partner outage) do not come back together.
 */
export const RETRY_LADDER_MS: readonly number[] = [
  10_000, 30_000, 60_000, 5 * 60_000, 15 * 60_000, 30 * 60_000, 3_600_000, 2 * 3_600_000, 4 * 3_600_000, 8 * 3_600_000, 8 * 3_600_000,
];

/** Attempts in all before parking: the first one plus one per step of the ladder. */
export const maxAttempts = (ladder: readonly number[] = RETRY_LADDER_MS) => ladder.length + 1;

/**
 * The wait after `attemptsMade` failed attempts (1-based), scaled by `scale` (tests shrink the
 * ladder), or undefined when the ladder is exhausted and the callback should be parked.
 */
export function nextRetryDelayMs(
  attemptsMade: number,
  opts: { scale?: number; random?: () => number; ladder?: readonly number[] } = {},
): number | undefined {
  const ladder = opts.ladder ?? RETRY_LADDER_MS;
  if (attemptsMade < 1 || attemptsMade > ladder.length) return undefined;
  const step = ladder[attemptsMade - 1] * (opts.scale ?? 1);
  return Math.floor((opts.random ?? Math.random)() * step);
}
