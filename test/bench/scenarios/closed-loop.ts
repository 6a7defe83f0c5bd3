/**
 * Closed-loop HTTP load with autocannon (used as a library): N connections each sending the next
 * request when the previous answer arrived, or, with `overallRate`, a fixed request rate (with
 * autocannon's correction for coordinated omission). The serving process's CPU time and peak
 * resident set are read from /proc around the run.
 */
import { cpuDuring, sampleRss } from '../bench-kit';
import { Figures } from '../report';
import { perOp } from './context';

// autocannon ships no type declarations: the part of its API used here.
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
  onResponse?: (status: number, body: string) => void;
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  non2xx: number;
  '2xx': number;
  requests: { total: number };
  latency: { p50: number; p99: number };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

export interface LoadTarget {
  /** Base URL (scheme, host, port). */
  url: string;
  requests: AutocannonRequest[];
  /** True when an answer body is the right one (a 200 envelope can still carry an error code). */
  verifyBody: (body: string) => boolean;
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  overallRate?: number;
  /** The serving process (its CPU and RSS are reported) and the others whose CPU is kept too. */
  servedBy: number;
  pids?: Record<string, number>;
}

/** A failed answer as the report shows it: the status and the start of the body (error envelopes carry no personal data). */
export const failureText = (status: number | string, body = '') => `${status}${body ? ` ${body.replace(/\s+/g, ' ').slice(0, 80)}` : ''}`;

export async function closedLoop(target: LoadTarget, opts: LoadOptions): Promise<Figures> {
  const pids = { served: opts.servedBy, ...opts.pids };
  const failures = new Set<string>();
  const requests = target.requests.map((r) => ({
    ...r,
    onResponse: (status: number, body: string) => {
      if (failures.size < 3 && (status < 200 || status > 299 || !target.verifyBody(body))) failures.add(failureText(status, body));
    },
  }));
  const { value, cpuMs } = await cpuDuring(pids, () =>
    sampleRss(opts.servedBy, () =>
      autocannon({
        url: target.url,
        connections: opts.connections,
        duration: opts.seconds,
        timeout: 10,
        requests,
        verifyBody: target.verifyBody,
        ...(opts.overallRate ? { overallRate: Math.max(1, Math.round(opts.overallRate)) } : {}),
      }),
    ),
  );
  const r = value.value;
  const ok = r['2xx'] - r.mismatches;
  // No answer at all within the run: autocannon's latencies are zeros then, not figures.
  const answered = r.requests.total > 0;
  if (!answered) failures.add(`no answer within ${opts.seconds} s`);
  const { served, ...others } = perOp(cpuMs, r.requests.total);
  return {
    throughput: ok / r.duration,
    ops: ok,
    failed: answered ? r.non2xx + r.errors + r.timeouts + r.mismatches : opts.connections,
    p50Ms: answered ? r.latency.p50 : NaN,
    p99Ms: answered ? r.latency.p99 : NaN,
    peakRssMb: value.peakKb / 1024,
    cpuMsPerOp: served,
    cpuMsPerOpBy: opts.pids ? others : undefined,
    failures: [...failures],
    extra: opts.overallRate ? { offeredPerSecond: Math.round(opts.overallRate) } : undefined,
  };
}
