/**
 * What the benches share: a bounded worker pool, percentiles and medians, and what the kernel
 * says about a process (CPU time, resident set). The worker pool is hand-written because the test
 * package's dependencies carry no concurrency limiter and a shared cursor over an array is all it takes.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import * as hdr from 'hdr-histogram-js';

/** The p-th percentile (nearest rank) of ascending values; NaN when there are none. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Latencies in ms, kept in an HDR histogram at microsecond resolution (3 significant digits). */
export class Latencies {
  private readonly h = hdr.build({ numberOfSignificantValueDigits: 3 });

  record(ms: number): void {
    this.h.recordValue(Math.max(0, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.h.totalCount;
  }

  /** The p-th percentile in ms; NaN when nothing was recorded. */
  percentile(p: number): number {
    return this.h.totalCount ? this.h.getValueAtPercentile(p) / 1000 : NaN;
  }
}

/** The median of the finite values (mean of the middle two for an even count); NaN when there are none. */
export function median(values: (number | undefined)[]): number {
  const v = values.filter((x): x is number => x !== undefined && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Runs `fn` over `items` with at most `limit` at once. */
export async function forEachBounded<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const statusKb = (pid: number, field: 'VmRSS' | 'VmHWM') =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

/** Polls a process's resident set size every few milliseconds while `fn` runs. */
export async function sampleRss<T>(pid: number, fn: () => Promise<T>): Promise<{ value: T; peakKb: number }> {
  let peakKb = statusKb(pid, 'VmRSS');
  const timer = setInterval(() => {
    try {
      peakKb = Math.max(peakKb, statusKb(pid, 'VmRSS'));
    } catch {
      // The process is exiting (an interrupted run): keep the peak so far.
    }
  }, 5);
  try {
    const value = await fn();
    return { value, peakKb: Math.max(peakKb, statusKb(pid, 'VmRSS')) };
  } finally {
    clearInterval(timer);
  }
}

let ticksPerSecond: number | undefined;

/** User + system CPU time a process has used so far, in ms (fields 14 and 15 of /proc/<pid>/stat). */
export function cpuMs(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5_000 }).trim()) || 100;
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** CPU ms each process spends while `fn` runs. */
export async function cpuDuring<T>(pids: Record<string, number>, fn: () => Promise<T>): Promise<{ value: T; cpuMs: Record<string, number> }> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
  const value = await fn();
  return { value, cpuMs: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid) - before[name]])) };
}

/** Runs a bench's main and exits: 0 when it finished, 1 with the error when it failed. */
export function runBench(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: Error) => {
      process.stderr.write(`${name} failed: ${err.stack ?? err.message}\n`);
      process.exit(1);
    },
  );
}

/**
 * Waits until the processes together use less than `share` of one core over a 2 s window (what a
 * scenario left behind, e.g. a backlog still being worked off, is done), or `maxSeconds` passed.
 * Returns the seconds waited.
 */
export async function waitForQuiet(pids: Record<string, number>, maxSeconds: number, share = 0.15): Promise<number> {
  const t0 = Date.now();
  const total = () => Object.values(pids).reduce((sum, pid) => sum + cpuMs(pid), 0);
  for (;;) {
    const before = total();
    await sleep(2_000);
    if (total() - before < share * 2_000 || Date.now() - t0 >= maxSeconds * 1000) return (Date.now() - t0) / 1000;
  }
}
