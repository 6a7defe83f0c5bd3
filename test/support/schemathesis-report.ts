/**
 * Reads schemathesis' NDJSON event reports (one folder per run, see test/schemathesis/run.sh) into
 * what a person needs from a generated-input run: how many requests, how many 5xx, which checks
 * failed where (with one request to replay), and which operations never got past a refusal.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface CheckFailure {
  operation: string;
  check: string;
  count: number;
  title: string;
  example: string;
}

export interface OperationStats {
  operation: string;
  requests: number;
  statuses: Record<string, number>;
  /** Answers that got past authentication and were not a refusal (2xx, and for envelope contracts a success envelope). */
  accepted: number;
  /** Answers refused for credentials (401/403, or the contract's own "session expired" / signature refusal). */
  authRefused: number;
}

export interface RunSummary {
  totalRequests: number;
  serverErrors: number;
  failures: CheckFailure[];
  operations: OperationStats[];
  /** Selected operations schemathesis could not test at all (errors during the run), with the reason. */
  errors: { operation: string; reason: string }[];
}

interface Interaction {
  request: { method: string; uri: string; body?: { $base64?: string } | null };
  response?: { status_code: number; content?: { $base64?: string } | null } | null;
}

interface CheckRecord {
  name: string;
  status: string;
  failure_info?: { failure?: { title?: string; message?: string } };
}

/** The parts of schemathesis' NDJSON events read here. */
interface ReportEvent {
  label?: string;
  info?: { label?: string; message?: string };
  value?: { message?: string };
  recorder?: { label?: string; interactions?: Record<string, Interaction>; checks?: Record<string, CheckRecord[]> };
}

const decode = (b?: { $base64?: string } | null) => (b?.$base64 ? Buffer.from(b.$base64, 'base64').toString('utf8') : '');

type Json = Record<string, unknown>;

function envelopeOf(text: string): Json | undefined {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Seeds 001, 002 and 004 answer refusals with HTTP 200: read the envelope. */
function classify(status: number, body: Json | undefined): 'accepted' | 'auth' | 'refused' {
  if (status === 401 || status === 403) return 'auth';
  if (status < 200 || status >= 300) return 'refused';
  if (!body) return 'accepted';
  if ('attachment' in body && 'status' in body) return body.status === 200 ? 'accepted' : body.status === -1001 ? 'auth' : 'refused';
  if (body.version === '0.1' && body.response) {
    const result = (body.response as Json).result;
    return result === 200 ? 'accepted' : result === 404 ? 'auth' : 'refused';
  }
  if ('success' in body && 'object' in body) {
    if (body.success === true) return 'accepted';
    return /^open_(sign_error|request_expired|company_)/.test(String(body.code)) ? 'auth' : 'refused';
  }
  return 'accepted';
}

export function readSchemathesisReports(dir: string): RunSummary {
  const files = fs.existsSync(dir)
    ? fs.readdirSync(dir).flatMap((sub) => {
        const d = path.join(dir, sub);
        return fs.statSync(d).isDirectory() ? fs.readdirSync(d).filter((f) => f.endsWith('.ndjson')).map((f) => path.join(d, f)) : [];
      })
    : [];
  const ops = new Map<string, OperationStats>();
  const failures = new Map<string, CheckFailure>();
  const errors: RunSummary['errors'] = [];
  let totalRequests = 0;
  let serverErrors = 0;
  const stats = (operation: string) => {
    if (!ops.has(operation)) ops.set(operation, { operation, requests: 0, statuses: {}, accepted: 0, authRefused: 0 });
    return ops.get(operation)!;
  };
  for (const file of files) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const event = JSON.parse(line) as Record<string, ReportEvent>;
      const [kind, data] = Object.entries(event)[0];
      if (kind === 'NonFatalError' || kind === 'FatalError') {
        errors.push({ operation: String(data.label ?? data.info?.label ?? 'run'), reason: String(data.info?.message ?? data.value?.message ?? JSON.stringify(data).slice(0, 300)) });
        continue;
      }
      if (kind !== 'ScenarioFinished') continue;
      const recorder = data.recorder ?? {};
      const op = stats(String(recorder.label));
      const interactions = (recorder.interactions ?? {}) as Record<string, Interaction>;
      for (const inter of Object.values(interactions)) {
        totalRequests += 1;
        op.requests += 1;
        const status = inter.response?.status_code;
        if (status === undefined) {
          op.statuses['no answer'] = (op.statuses['no answer'] ?? 0) + 1;
          continue;
        }
        if (status >= 500) serverErrors += 1;
        op.statuses[status] = (op.statuses[status] ?? 0) + 1;
        const verdict = classify(status, envelopeOf(decode(inter.response?.content)));
        if (verdict === 'accepted') op.accepted += 1;
        if (verdict === 'auth') op.authRefused += 1;
      }
      for (const [caseId, checks] of Object.entries((recorder.checks ?? {}) as Record<string, CheckRecord[]>)) {
        for (const check of checks) {
          if (check.status !== 'failure') continue;
          const key = `${recorder.label}|${check.name}`;
          const known = failures.get(key);
          if (known) {
            known.count += 1;
            continue;
          }
          const inter = interactions[caseId];
          const example = inter
            ? `${inter.request.method} ${inter.request.uri} ${decode(inter.request.body).slice(0, 300)} -> ${inter.response?.status_code ?? 'no answer'} ${decode(inter.response?.content).slice(0, 300)}`
            : '(no interaction recorded)';
          failures.set(key, { operation: String(recorder.label), check: check.name, count: 1, title: String(check.failure_info?.failure?.title ?? ''), example });
        }
      }
    }
  }
  return { totalRequests, serverErrors, failures: [...failures.values()], operations: [...ops.values()].sort((a, b) => a.operation.localeCompare(b.operation)), errors };
}

/** Operations that never got an accepted answer, with the reason read from their answers. */
export function unreached(summary: RunSummary): { operation: string; reason: string }[] {
  return summary.operations
    .filter((o) => o.accepted === 0)
    .map((o) => ({
      operation: o.operation,
      reason:
        o.requests === 0
          ? 'no request was sent'
          : o.authRefused === o.requests
            ? 'every request was refused at authentication'
            : `no generated request was accepted (answers: ${Object.entries(o.statuses)
                .map(([s, n]) => `${s}×${n}`)
                .join(', ')})`,
    }));
}

export function summaryText(summary: RunSummary): string {
  const byCheck = new Map<string, number>();
  for (const f of summary.failures) byCheck.set(f.check, (byCheck.get(f.check) ?? 0) + f.count);
  const lines = [
    `schemathesis: ${summary.totalRequests} requests over ${summary.operations.length} operations, ${summary.serverErrors} answered 5xx`,
    `failures per check: ${byCheck.size ? [...byCheck].map(([c, n]) => `${c} ${n}`).join(', ') : 'none'}`,
    ...summary.failures.map((f) => `  FAIL ${f.operation} [${f.check}] ×${f.count} ${f.title}\n       e.g. ${f.example}`),
    ...summary.errors.map((e) => `  ERROR ${e.operation}: ${e.reason}`),
    'per operation (requests, accepted, refused at authentication):',
    ...summary.operations.map((o) => `  ${o.operation}: ${o.requests}, ${o.accepted}, ${o.authRefused}`),
    `operations not reached: ${unreached(summary).length ? '' : 'none'}`,
    ...unreached(summary).map((u) => `  ${u.operation}: ${u.reason}`),
  ];
  return lines.join('\n');
}
