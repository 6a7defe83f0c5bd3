/**
 * Table-driven attack and isolation cases: raw requests as an attacker would send them, what each
 * contract must answer (its own refusal shape and status, never another contract's, never a 5xx),
 * and a summary matrix of what was observed. OSS requests are signed with ali-oss's own signing
 * helpers, so a request differs from what the unmodified client sends only in what the case changes.
 */
import { randomBytes } from 'node:crypto';
import type { StsCredentials } from './app-auth';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ossSign = require('ali-oss/lib/common/signUtils') as {
  buildCanonicalString(method: string, resourcePath: string, request: { headers: Record<string, string>; parameters?: Record<string, string> }, expires?: string): string;
  computeSignature(secret: string, canonical: string): string;
};

/** What came back: HTTP status, the body as text, and as JSON when it is JSON. */
export interface Observed {
  status: number;
  text: string;
  json?: any;
}

export interface RawRequest {
  method?: string;
  /** Absolute URL, or a path under `base`. */
  url: string;
  headers?: Record<string, string | string[]>;
  /** Sent as JSON (objects) or as-is (strings, e.g. JSON with a duplicated key). */
  json?: unknown;
  form?: URLSearchParams | string;
}

/** Every request has a deadline: a hung gateway fails the case instead of the run. */
const REQUEST_TIMEOUT_MS = 15_000;

export async function send(base: string, req: RawRequest): Promise<Observed> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers ?? {})) for (const v of [value].flat()) headers.append(name, v);
  let body: string | undefined;
  if (req.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = typeof req.json === 'string' ? req.json : JSON.stringify(req.json);
  } else if (req.form !== undefined) {
    headers.set('content-type', 'application/x-www-form-urlencoded');
    body = String(req.form);
  }
  const url = /^https?:/.test(req.url) ? req.url : `${base}${req.url}`;
  const res = await fetch(url, { method: req.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** Sends the same request twice and observes the second answer (a replay). */
export async function sendTwice(base: string, req: RawRequest): Promise<Observed> {
  await send(base, req);
  return send(base, req);
}

// ---------- what each contract's refusal looks like ----------

/** A contract's refusal: checks an observation, returns what is wrong with it (undefined when right). */
export interface Refusal {
  /** Short form for the summary table, e.g. "401" or "200/-1001". */
  label: string;
  problem(o: Observed): string | undefined;
}

const keysOf = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).sort().join(',') : typeof v);
const show = (o: Observed) => `${o.status} ${o.text.slice(0, 200)}`;
const problems = (o: Observed, checks: [boolean, string][]) => {
  const failed = checks.filter(([ok]) => !ok).map(([, what]) => what);
  return failed.length ? `${failed.join('; ')} (got ${show(o)})` : undefined;
};

/** Seed 000 and the platform's signed endpoints: {"code":N,"data":null,"message":"..."}, HTTP status = code. */
export const seed000 = (code: number, message?: string | RegExp): Refusal => ({
  label: String(code),
  problem: (o) =>
    problems(o, [
      [o.status === code, `HTTP ${code}`],
      [keysOf(o.json) === 'code,data,message', 'keys code,data,message'],
      [o.json?.code === code && o.json?.data === null, `code ${code}, data null`],
      [message === undefined || (typeof message === 'string' ? o.json?.message === message : message.test(String(o.json?.message))), `message ${String(message)}`],
    ]),
});

/** Seed 002's JSON endpoints: HTTP 200, {"version":"0.1","response":{"result":N},"context":null}. */
export const seed002 = (result: number): Refusal => ({
  label: `200/${result}`,
  problem: (o) =>
    problems(o, [
      [o.status === 200, 'HTTP 200'],
      [JSON.stringify(o.json) === JSON.stringify({ version: '0.1', response: { result }, context: null }), `envelope with result ${result} only`],
    ]),
});

/** Seed 002's fetch_photo: a bare HTTP status (no JSON envelope of any contract). */
export const seed002Photo = (status: number): Refusal => ({
  label: String(status),
  problem: (o) => problems(o, [[o.status === status, `HTTP ${status}`], [o.json === undefined || typeof o.json === 'string', 'no JSON envelope']]),
});

/** Seed 001: HTTP 200, {"attachment":null,"message":"...","status":N}. */
export const seed001 = (status: number): Refusal => ({
  label: `200/${status}`,
  problem: (o) =>
    problems(o, [
      [o.status === 200, 'HTTP 200'],
      [keysOf(o.json) === 'attachment,message,status', 'keys attachment,message,status'],
      [o.json?.status === status && o.json?.attachment === null && typeof o.json?.message === 'string' && o.json.message !== '', `status ${status}, attachment null, a message`],
    ]),
});

/** Seed 003: {"code":N,"message":"...","data":{}}, HTTP status = code. */
export const seed003 = (code: number, message?: string): Refusal => ({
  label: String(code),
  problem: (o) =>
    problems(o, [
      [o.status === code, `HTTP ${code}`],
      [keysOf(o.json) === 'code,data,message', 'keys code,data,message'],
      [o.json?.code === code && keysOf(o.json?.data) === '', `code ${code}, data {}`],
      [message === undefined || o.json?.message === message, `message ${message}`],
    ]),
});

/** Seed 004: HTTP 200, {"code":"open_...","success":false,"message":"...","object":null}. */
export const seed004 = (code: string): Refusal => ({
  label: code.replace(/^open_/, ''),
  problem: (o) =>
    problems(o, [
      [o.status === 200, 'HTTP 200'],
      [keysOf(o.json) === 'code,message,object,success', 'keys code,message,object,success'],
      [o.json?.code === code && o.json?.success === false && o.json?.object === null, `code ${code}, success false`],
    ]),
});

/** The reviewer API: {"error":{"code":"KYC....","message":"..."}} with the HTTP status. */
export const reviewerApi = (status: number, code: string): Refusal => ({
  label: `${status} ${code.replace(/^KYC\.REVIEWER\./, '')}`,
  problem: (o) =>
    problems(o, [
      [o.status === status, `HTTP ${status}`],
      [keysOf(o.json) === 'error' && keysOf(o.json.error) === 'code,message' && o.json.error.code === code, `error.code ${code}`],
    ]),
});

/** The object store: OSS's XML <Error> with its Code and the HTTP status OSS uses for it. */
export const ossError = (status: number, code: string): Refusal => ({
  label: `${status} ${code}`,
  problem: (o) =>
    problems(o, [
      [o.status === status, `HTTP ${status}`],
      [o.text.startsWith('<?xml') && o.text.includes(`<Code>${code}</Code>`), `XML Error ${code}`],
    ]),
});

/** A short code of what was observed, for the summary matrix (status, and the contract's own code). */
export function observedCode(o: Observed): string {
  const j = o.json;
  const xml = /<Code>([^<]+)<\/Code>/.exec(o.text)?.[1];
  if (xml) return `${o.status} ${xml}`;
  if (j?.response?.result !== undefined) return `${o.status}/${j.response.result}`;
  if (j && 'attachment' in j) return `${o.status}/${j.status}`;
  if (j && 'success' in j) return String(j.code ?? 'ok').replace(/^open_/, '');
  if (j?.error?.code) return `${o.status} ${String(j.error.code).replace(/^KYC\.REVIEWER\./, '')}`;
  return String(o.status);
}

// ---------- cases and the summary ----------

export interface AttackCase {
  attack: string;
  contract: string;
  /** What exactly was sent, for the test name. */
  what: string;
  run(): Promise<Observed>;
  expected: Refusal;
}

/** An attack that does not apply to a contract, with the reason (kept in the table so the list is complete). */
export interface NotApplicable {
  attack: string;
  contract: string;
  reason: string;
}

/** Collects observations per (attack, contract) and prints them as one matrix. */
export class Summary {
  private cells = new Map<string, Set<string>>();
  private readonly attacks: string[] = [];
  private readonly contracts: string[] = [];

  constructor(private readonly title: string) {}

  private cell(attack: string, contract: string): Set<string> {
    if (!this.attacks.includes(attack)) this.attacks.push(attack);
    if (!this.contracts.includes(contract)) this.contracts.push(contract);
    const key = `${attack}\u0000${contract}`;
    if (!this.cells.has(key)) this.cells.set(key, new Set());
    return this.cells.get(key)!;
  }

  record(attack: string, contract: string, observed: string): void {
    this.cell(attack, contract).add(observed);
  }

  notApplicable(n: NotApplicable): void {
    this.cell(n.attack, n.contract).add('n/a');
  }

  /** Declares rows and columns up front so the matrix keeps the table's order. */
  declare(attack: string, contract: string): void {
    this.cell(attack, contract);
  }

  render(): string {
    const rows = [['attack \\ contract', ...this.contracts]];
    for (const a of this.attacks) rows.push([a, ...this.contracts.map((c) => [...(this.cells.get(`${a}\u0000${c}`) ?? [])].join(' ') || '-')]);
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    const line = (r: string[]) => `| ${r.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
    return [this.title, line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
  }
}

// ---------- request material ----------

/** NoSQL query operators as a JSON value. */
export const OPERATORS: Record<string, unknown> = {
  $ne: { $ne: null },
  $gt: { $gt: '' },
  $regex: { $regex: '.*' },
  $in: { $in: [] },
  $where: { $where: '1 == 1' },
  $exists: { $exists: true },
};

/** The same value with its last character changed (same length, so only the signature check can tell). */
export const flipLast = (s: string) => s.slice(0, -1) + (s.endsWith('a') ? 'b' : 'a');
export const truncated = (s: string) => s.slice(0, Math.max(1, Math.floor(s.length / 2)));
export const randomToken = (like: string) => randomBytes(Math.ceil(like.length * 0.75) + 1).toString('base64url').slice(0, like.length);

/** JSON text of `body` with `key` given again at the end (JSON.parse keeps the last one). */
export const withDuplicateKey = (body: Record<string, unknown>, key: string, value: unknown) =>
  `${JSON.stringify(body).slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(value)}}`;

export interface OssRequestOptions {
  method?: string;
  key: string;
  /** The request's own date (x-oss-date); now when absent. */
  at?: number;
  accessKeyId?: string;
  accessKeySecret?: string;
  /** One or more x-oss-security-token headers (several = a parameter given twice). */
  securityToken?: string | string[];
}

/**
 * An OSS V1 header-signed request for an object, as ali-oss signs it (x-oss-date, the security
 * token among the signed x-oss-* headers, resource /bucket/key), with any part overridden.
 */
export function ossV1Request(creds: StsCredentials, opts: OssRequestOptions): RawRequest {
  const method = opts.method ?? 'GET';
  const tokens = [opts.securityToken ?? creds.SecurityToken].flat();
  const headers: Record<string, string> = { 'x-oss-date': new Date(opts.at ?? Date.now()).toUTCString(), 'x-oss-security-token': tokens.join(',') };
  const canonical = ossSign.buildCanonicalString(method, `/${creds.bucket}/${opts.key}`, { headers });
  const signature = ossSign.computeSignature(opts.accessKeySecret ?? creds.AccessKeySecret, canonical);
  return {
    method,
    url: `${creds.endpoint.replace(/\/+$/, '')}/${opts.key}`,
    headers: { 'x-oss-date': headers['x-oss-date'], 'x-oss-security-token': tokens, authorization: `OSS ${opts.accessKeyId ?? creds.AccessKeyId}:${signature}` },
  };
}

/** An OSS V1 signed URL (query-string authentication) for a GET, expiring at `expiresAt` (ms). */
export function ossSignedUrl(creds: StsCredentials, key: string, expiresAt: number): string {
  const expires = String(Math.floor(expiresAt / 1000));
  const parameters = { 'security-token': creds.SecurityToken };
  const canonical = ossSign.buildCanonicalString('GET', `/${creds.bucket}/${key}`, { headers: {}, parameters }, expires);
  const signature = ossSign.computeSignature(creds.AccessKeySecret, canonical);
  const query = new URLSearchParams({ OSSAccessKeyId: creds.AccessKeyId, Expires: expires, Signature: signature, 'security-token': creds.SecurityToken });
  return `${creds.endpoint.replace(/\/+$/, '')}/${key}?${query}`;
}
