/**
 * Seed 003 IMPORT latency under load, through the real stack: a campus roster of
 * BENCH_IMPORT_PEOPLE people is imported with the operator CLI (`kyc roster import`), then
 * BENCH_IMPORT_COUNT IMPORT verifications (name + identityNo + outid + customerCode, each a
 * different person and user) are sent to the gateway's HTTP endpoint
 * (`POST /api/ucenter-service-provider/api/user/rnauth`), BENCH_IMPORT_CONCURRENCY at a time.
 *
 *   npm run bench:import -w @kyc/integration-tests
 *
 * Prints verifications per second (first request to last answer) and p50/p90/p99/max of one
 * request's latency as the client sees it (sent -> answer read), and the answers other than 200
 * by code and message. User sessions are minted, and BENCH_IMPORT_CONCURRENCY verifications run one
 * at a time as a warm-up (their latency is printed too: the unloaded figure), before the clock starts.
 *
 * The gateway runs with RATE_LIMIT_PER_MINUTE raised: its limit is per client address, and the
 * bench is one address. Settings: BENCH_IMPORT_PEOPLE (3000), BENCH_IMPORT_COUNT (500), BENCH_IMPORT_CONCURRENCY (16),
 * BENCH_IMPORT_TIMEOUT_MS (30000, one request's timeout).
 *
 * Uses running dev services when KYC_TEST_KAFKA_BROKERS and KYC_TEST_MONGO_URL are set,
 * otherwise starts them (and stops them at the end). Prints figures; asserts nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createPartner, PartnerCredentials, Platform, signBody, startPlatform } from '@kyc/dev-platform';
import { startDevServices } from '@kyc/dev-services';
import { forEachBounded, percentile, runBench } from './bench-kit';
import { idNumber } from '../support/identities';
import { runRosterCli } from '../support/roster-cli';

const PEOPLE = Number(process.env.BENCH_IMPORT_PEOPLE ?? 3_000);
const COUNT = Number(process.env.BENCH_IMPORT_COUNT ?? 500);
const CONCURRENCY = Number(process.env.BENCH_IMPORT_CONCURRENCY ?? 16);
const TIMEOUT_MS = Number(process.env.BENCH_IMPORT_TIMEOUT_MS ?? 30_000);
const WARMUP = CONCURRENCY;
const RATE_LIMIT_PER_MINUTE = 1_000_000;
const CUSTOMER_CODE = '9001';
const RNAUTH = '/api/ucenter-service-provider/api/user/rnauth';

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂';

const log = (line: string) => process.stdout.write(`${line}\n`);

interface Person {
  outid: string;
  name: string;
  identityNo: string;
  role: number;
}

const day = (base: string, offset: number) => {
  const d = new Date(`${base}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10).replace(/-/g, '');
};

/** Person i: nine in ten students (with a father listed, as real rosters have), then teachers. */
function personOf(i: number): Person & { row: string[] } {
  const name = SURNAMES[i % SURNAMES.length] + GIVEN[Math.floor(i / 20) % GIVEN.length] + GIVEN[Math.floor(i / 400) % GIVEN.length];
  const identityNo = idNumber('410102', day('2005-01-01', i % 2900), Math.floor(i / 2900) * 2 + 1);
  const klass = `${2015 + (i % 6)}级${(Math.floor(i / 6) % 12) + 1}班`;
  const student = i % 10 < 9;
  const outid = `${student ? 'S' : 'T'}${String(i).padStart(7, '0')}`;
  const father = idNumber('410103', day('1970-01-01', i % 5000), (Math.floor(i / 5000) * 2 + 1) % 1000);
  const row = student
    ? [outid, name, identityNo, '1', `${klass}/学生`, `F/${SURNAMES[(i + 7) % SURNAMES.length]}大伟/${father}`]
    : [outid, name, identityNo, '2', `${klass}/语文老师/主管; 语文教研组/教师`, ''];
  return { outid, name, identityNo, role: student ? 1 : 2, row };
}

async function signedPost(platform: Platform, urlPath: string, partner: PartnerCredentials, body: Record<string, unknown>): Promise<Record<string, string>> {
  const res = await fetch(`${platform.gatewayUrl}${urlPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(signBody(partner, body)),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const answer = (await res.json()) as { code: number; message: string; data: Record<string, string> | null };
  if (answer.code !== 200 || !answer.data) throw new Error(`${urlPath}: ${answer.code} ${answer.message}`);
  return answer.data;
}

interface Outcome {
  ms: number;
  answer: string;
}

/** One IMPORT through the gateway, timed from sending to the answer read; an error is an outcome too. */
async function verifyImport(platform: Platform, token: string, p: Person): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${platform.gatewayUrl}${RNAUTH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-deepcloud-from': 'client', authorization: token },
      body: JSON.stringify({ rnAuthPatternCode: 'IMPORT', data: { name: p.name, identityNo: p.identityNo, outid: p.outid, customerCode: CUSTOMER_CODE, role: p.role } }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = (await res.json()) as { code: number; message: string; data?: { reason?: string } };
    return { ms: performance.now() - t0, answer: body.code === 200 ? 'ok' : `${body.code} ${body.message}${body.data?.reason ? ` (${body.data.reason})` : ''}` };
  } catch (err) {
    return { ms: performance.now() - t0, answer: `request failed: ${(err as Error).name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS} ms` : (err as Error).message}` };
  }
}

async function main(): Promise<void> {
  if (COUNT + WARMUP > PEOPLE) throw new Error(`BENCH_IMPORT_PEOPLE (${PEOPLE}) must be at least BENCH_IMPORT_COUNT + BENCH_IMPORT_CONCURRENCY (${COUNT + WARMUP})`);
  const given = process.env.KYC_TEST_KAFKA_BROKERS && process.env.KYC_TEST_MONGO_URL;
  if (!given) log('starting dev services (Kafka, MongoDB-wire server) ...');
  const infra: { kafkaBrokers: string; mongoUrl: string; stop(): Promise<unknown> } = given
    ? { kafkaBrokers: process.env.KYC_TEST_KAFKA_BROKERS!, mongoUrl: process.env.KYC_TEST_MONGO_URL!, stop: async () => undefined }
    : await startDevServices({ log: (l) => process.stderr.write(`[dev-services] ${l}\n`) });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyc-import-bench-'));
  let platform: Platform | undefined;
  try {
    // The bench is one client address; the gateway's per-address limit (600/min) would measure itself.
    const env = { RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE) };
    platform = await startPlatform({ kafkaBrokers: infra.kafkaBrokers, mongoUrl: infra.mongoUrl, namespace: `benchimp${Date.now().toString(36)}`, env });
    const partner = await createPartner(platform, 'bench campus', 'user-validate,campus-auth');

    const people = Array.from({ length: PEOPLE }, (_, i) => personOf(i));
    const file = path.join(dir, 'roster.csv');
    const header = ['学工号 (outid)', '姓名 (name)', '身份证号 (identityNo)', '角色 (role)', '部门 (departments)', '亲属 (relatives)'];
    fs.writeFileSync(file, [header, ...people.map((p) => p.row)].map((cells) => cells.map((c) => (/[",;\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n'));
    const rosterEnv = { MONGO_URL: infra.mongoUrl, MONGO_DB: platform.dbName('identity-lookup'), KYC_MASTER_KEY: platform.masterKey };
    const run = await runRosterCli(rosterEnv, ['import', '--partner', partner.app_id, '--customer-code', CUSTOMER_CODE, '--name', '压测学校', '--file', file]);
    if (run.code !== 0) throw new Error(`kyc roster import failed (${run.code}): ${run.stderr.trim() || JSON.stringify(run.rejected.slice(0, 3))}`);
    log(`roster: ${run.summary?.accepted} people imported with kyc roster import in ${run.seconds.toFixed(1)} s`);

    // Every verification is a different person for a different user: an ID number verified for one user is that user's.
    const chosen = people.slice(0, WARMUP + COUNT);
    const tokens: string[] = new Array(chosen.length);
    const t0Sessions = Date.now();
    await forEachBounded([...chosen.keys()], CONCURRENCY, async (i) => {
      tokens[i] = (await signedPost(platform!, '/api/platform/session', partner, { user_id: `bench-user-${i}` })).access_token;
    });
    log(`sessions: ${chosen.length} user access tokens minted in ${((Date.now() - t0Sessions) / 1000).toFixed(1)} s`);

    // Warm-up one at a time (first queries, connections, caches), which also shows the unloaded latency.
    const warm: Outcome[] = [];
    for (let i = 0; i < WARMUP; i++) warm.push(await verifyImport(platform, tokens[i], chosen[i]));
    const warmFailed = warm.filter((o) => o.answer !== 'ok');
    const warmMs = warm.map((o) => o.ms).sort((a, b) => a - b);
    log(`warm-up: ${WARMUP} IMPORTs one at a time, ${warm.length - warmFailed.length} verified; p50 ${percentile(warmMs, 50).toFixed(0)} ms, first ${warm[0].ms.toFixed(0)} ms` +
      (warmFailed.length ? `; first failure: ${warmFailed[0].answer}` : ''));

    log(`IMPORT through the gateway: ${COUNT} verifications, ${CONCURRENCY} at a time, each a different roster person and user`);
    const outcomes: Outcome[] = [];
    const t0 = performance.now();
    await forEachBounded([...Array(COUNT).keys()].map((i) => i + WARMUP), CONCURRENCY, async (i) => void outcomes.push(await verifyImport(platform!, tokens[i], chosen[i])));
    const seconds = (performance.now() - t0) / 1000;

    const ok = outcomes.filter((o) => o.answer === 'ok');
    const all = outcomes.map((o) => o.ms).sort((a, b) => a - b);
    const okMs = ok.map((o) => o.ms).sort((a, b) => a - b);
    const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(0)} ms` : 'n/a');
    const line = (sorted: number[]) =>
      `p50 ${ms(percentile(sorted, 50))}, p90 ${ms(percentile(sorted, 90))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted[sorted.length - 1] ?? NaN)}`;
    log(`  ${ok.length}/${COUNT} verified in ${seconds.toFixed(1)} s: ${(ok.length / seconds).toFixed(1)} verifications/s`);
    log(`  latency of a verified IMPORT: ${line(okMs)}`);
    if (ok.length < COUNT) {
      log(`  latency of every request: ${line(all)}`);
      const byAnswer = new Map<string, number>();
      for (const o of outcomes) if (o.answer !== 'ok') byAnswer.set(o.answer, (byAnswer.get(o.answer) ?? 0) + 1);
      for (const [answer, n] of byAnswer) log(`  errors: ${n} x ${answer}`);
    } else {
      log('  errors: none');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await platform?.stop();
    await infra.stop();
  }
}

runBench('import bench', main);
