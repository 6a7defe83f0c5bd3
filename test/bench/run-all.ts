/**
 * `npm run bench`: every scenario against the platform and against its floor in the same run,
 * alternating, for several rounds; prints each round and the medians as it goes, and writes
 * results/latest.md (the table the README shows) and results/latest.json (every round).
 *
 * Scenarios (scenarios/), each with its floor (floors/), run in this order (submissions last: at a
 * rate the platform cannot keep up with, the backlog they leave would be measured by what follows),
 * each after the platform went quiet:
 *   reads       status reads, seed 000 member/status (signed) and seed 002 fetch_info, closed loop
 *               with autocannon; floors: bare express, express + one indexed findOne; then the
 *               p99 of both reads at 70 % of the maximum rate just measured
 *   uploads     concurrent multi-MB photo uploads, throughput and the gateway's RSS growth;
 *               floor: streaming the same bodies to disk over loopback
 *   drain       a backlog of pending callbacks drained to healthy partners, then with one dead
 *   scaling     the reads again after many more subjects are stored
 *   submission  seed 000 member/verify -> signed notification at a fixed arrival rate;
 *               floor: Kafka's produce -> consume round trip on the same broker
 *
 * Figures, not assertions. Besides throughput and latency, each figure carries the CPU time the
 * serving process spent per operation (from /proc/<pid>/stat before and after), the cost a request
 * has whatever else runs on the machine.
 *
 * Settings (environment): BENCH_QUICK=1 (a smoke run of seconds per scenario), BENCH_SCENARIOS
 * (comma list of the names above, default all), BENCH_ROUNDS (3), BENCH_READ_SECONDS (10),
 * BENCH_CONNECTIONS (20), BENCH_ARRIVAL_RATE (100), BENCH_ARRIVAL_SECONDS (60), BENCH_SETTLE_SECONDS
 * (60: how long notifications may trail the last submission), BENCH_PAUSE_SECONDS (120: the longest
 * wait between scenarios for the five services to go quiet, under 15 % of a core), BENCH_UPLOADS (20),
 * BENCH_PHOTO_BYTES (5 MiB), BENCH_DRAIN_CALLBACKS (50000), BENCH_DRAIN_ROUNDS (1),
 * BENCH_DRAIN_DEAD_MODES (refuse,hang), BENCH_DRAIN_DEADLINE_SECONDS (120: a phase reports the rate of
 * what was delivered by then),
 * BENCH_CALLBACK_TIMEOUT_MS (2000, the notifier's CALLBACK_TIMEOUT_MS, so hanging partners resolve
 * quickly), BENCH_SUBJECTS (100000), BENCH_RESULTS_DIR (bench/results), BENCH_README=1 (also put the
 * table into the README's Benchmarks section).
 *
 * Uses running dev services when KYC_TEST_KAFKA_BROKERS and KYC_TEST_MONGO_URL are set,
 * otherwise starts them (and stops them at the end).
 */
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { findRepoRoot, startPlatform } from '@kyc/dev-platform';
import { startDevServices } from '@kyc/dev-services';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { runBench, waitForQuiet } from './bench-kit';
import { stopAllFloors } from './floors/floor-process';
import { machineInfo, Report } from './report';
import { callbackDrain } from './scenarios/callback-drain';
import { BenchContext, BenchSettings, platformPids } from './scenarios/context';
import { scaling } from './scenarios/scaling';
import { measureAtSeventyPercent, measureStatusReads, prepareStatusReads } from './scenarios/status-read';
import { submissionToCallback } from './scenarios/submission-callback';
import { uploads } from './scenarios/uploads';

const SCENARIOS = ['reads', 'uploads', 'drain', 'scaling', 'submission'] as const;
type Scenario = (typeof SCENARIOS)[number];

const log = (line: string) => process.stdout.write(`${line}\n`);

function settingsFromEnv(): { settings: BenchSettings; scenarios: Scenario[] } {
  const quick = process.env.BENCH_QUICK === '1';
  const n = (name: string, full: number, short: number) => {
    const v = process.env[name];
    if (v === undefined || v === '') return quick ? short : full;
    const parsed = Number(v);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name} must be a positive number, not "${v}"`);
    return parsed;
  };
  const scenarios = (process.env.BENCH_SCENARIOS ?? SCENARIOS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean) as Scenario[];
  const unknown = scenarios.filter((s) => !SCENARIOS.includes(s));
  if (unknown.length) throw new Error(`unknown BENCH_SCENARIOS ${unknown.join(', ')} (known: ${SCENARIOS.join(', ')})`);
  const deadModes = (process.env.BENCH_DRAIN_DEAD_MODES ?? 'refuse,hang')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  if (deadModes.some((m) => m !== 'refuse' && m !== 'hang')) throw new Error('BENCH_DRAIN_DEAD_MODES takes refuse and/or hang');
  return {
    scenarios,
    settings: {
      quick,
      rounds: n('BENCH_ROUNDS', 3, 1),
      readSeconds: n('BENCH_READ_SECONDS', 10, 2),
      connections: n('BENCH_CONNECTIONS', 20, 20),
      arrivalRate: n('BENCH_ARRIVAL_RATE', 100, 100),
      arrivalSeconds: n('BENCH_ARRIVAL_SECONDS', 60, 3),
      settleSeconds: n('BENCH_SETTLE_SECONDS', 60, 20),
      pauseSeconds: n('BENCH_PAUSE_SECONDS', 120, 30),
      uploads: n('BENCH_UPLOADS', 20, 20),
      photoBytes: n('BENCH_PHOTO_BYTES', 5 * 1024 * 1024, 5 * 1024 * 1024),
      drainCallbacks: n('BENCH_DRAIN_CALLBACKS', 50_000, 500),
      drainRounds: n('BENCH_DRAIN_ROUNDS', 1, 1),
      drainDeadModes: deadModes as BenchSettings['drainDeadModes'],
      drainDeadlineSeconds: n('BENCH_DRAIN_DEADLINE_SECONDS', 120, 30),
      callbackTimeoutMs: n('BENCH_CALLBACK_TIMEOUT_MS', 2_000, 2_000),
      scalingSubjects: n('BENCH_SUBJECTS', 100_000, 2_000),
    },
  };
}

async function main(): Promise<void> {
  const { settings, scenarios } = settingsFromEnv();
  const started = Date.now();
  const given = process.env.KYC_TEST_KAFKA_BROKERS && process.env.KYC_TEST_MONGO_URL;
  // What the machine runs the containers with, from dev-services' own progress lines.
  const engine = { engine: given ? 'dev services given by KYC_TEST_*' : 'unknown engine', kafka: 'unknown', mongoWire: 'unknown', mongoImage: '' };
  const devLog = (line: string) => {
    process.stderr.write(`[dev-services] ${line}\n`);
    const e = /using (\w+) engine/.exec(line);
    if (e) engine.engine = `${e[1]} engine`;
    const k = /kafka \(([^)]+)\) ready/.exec(line);
    if (k) engine.kafka = k[1];
    const m = /mongo \(([^)]+)\) ready/.exec(line);
    if (m) engine.mongoImage = m[1];
  };
  if (!given) log('starting dev services (Kafka, MongoDB-wire server) ...');
  const infra: { kafkaBrokers: string; mongoUrl: string; stop(): Promise<unknown> } = given
    ? { kafkaBrokers: process.env.KYC_TEST_KAFKA_BROKERS!, mongoUrl: process.env.KYC_TEST_MONGO_URL!, stop: async () => undefined }
    : await startDevServices({ log: devLog });
  const mongo = await new MongoClient(infra.mongoUrl, { serverSelectionTimeoutMS: 10_000 }).connect();
  try {
    const build = await mongo.db('admin').command({ buildInfo: 1 }, { timeoutMS: 10_000 });
    // A FerretDB built from source reports its version as "unknown": the image then says which it is.
    const known = build.ferretdbVersion && build.ferretdbVersion !== 'unknown';
    const server = known ? `FerretDB ${build.ferretdbVersion}` : engine.mongoImage || (build.ferretdbVersion ? 'FerretDB' : 'MongoDB');
    engine.mongoWire = `${server} (wire version ${build.version})`;
  } catch {
    // keep "unknown"
  }

  // The bench is one client address: the gateway's per-address limit would measure itself.
  const platformEnv = { RATE_LIMIT_PER_MINUTE: '100000000', CALLBACK_TIMEOUT_MS: String(settings.callbackTimeoutMs) };
  log('starting the platform (five services) ...');
  const platform = await startPlatform({ kafkaBrokers: infra.kafkaBrokers, mongoUrl: infra.mongoUrl, namespace: `bench${Date.now().toString(36)}`, env: platformEnv });
  const dir = process.env.BENCH_RESULTS_DIR ?? path.join(__dirname, 'results');
  const report = new Report(
    dir,
    machineInfo(engine),
    { ...settings, drainDeadModes: settings.drainDeadModes.join('+'), scenarios: scenarios.join('+'), RATE_LIMIT_PER_MINUTE: platformEnv.RATE_LIMIT_PER_MINUTE },
    log,
  );
  // Interrupted (Ctrl-C, a CI timeout): stop what this run started before leaving.
  const interrupted = (signal: string) => {
    process.stderr.write(`bench: ${signal}, stopping the platform, floors and dev services\n`);
    void Promise.allSettled([platform.stop(), stopAllFloors()])
      .then(() => infra.stop())
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', () => interrupted('SIGINT'));
  process.once('SIGTERM', () => interrupted('SIGTERM'));
  const ctx: BenchContext = { infra, platform, cipher: new PiiCipher(masterKeyFromHex(platform.masterKey)), mongo, settings, report, log };
  log(`machine: ${JSON.stringify(report.machine)}`);
  log(`settings: ${JSON.stringify(report.settings)}`);
  try {
    const wants = (s: Scenario) => scenarios.includes(s);
    let first = true;
    const section = async (name: string) => {
      // What one scenario left behind (a backlog being worked off, retries) should not be measured in the next.
      const waited = first ? 0 : await waitForQuiet(platformPids(platform), settings.pauseSeconds);
      first = false;
      log(`\n## ${name} (${((Date.now() - started) / 1000).toFixed(0)} s into the run${waited ? `, after ${waited.toFixed(0)} s for the platform to go quiet` : ''})`);
    };
    // The status-read targets serve the reads and, later, the same reads after scaling.
    const targets = wants('reads') || wants('scaling') ? await prepareStatusReads(ctx) : undefined;
    try {
      let before: Awaited<ReturnType<typeof measureStatusReads>> | undefined;
      if (targets) {
        await section('status reads');
        before = await measureStatusReads(ctx, targets, 'Status read');
        if (wants('reads')) await measureAtSeventyPercent(ctx, targets, 'Status read at 70 % of max', before);
      }
      if (wants('uploads')) {
        await section('uploads');
        await uploads(ctx);
      }
      if (wants('drain')) {
        await section('callback drain');
        await callbackDrain(ctx);
      }
      if (targets && before && wants('scaling')) {
        await section('scaling');
        await scaling(ctx, targets, before.rows);
      }
      if (wants('submission')) {
        await section('submission -> callback');
        await submissionToCallback(ctx);
      }
    } finally {
      await targets?.close();
    }
    report.write();
    log(`\n${report.markdown()}`);
    log(`written: ${path.join(dir, 'latest.md')} and latest.json (${((Date.now() - started) / 60_000).toFixed(1)} min in all)`);
    if (process.env.BENCH_README === '1') {
      const readme = path.join(findRepoRoot(), 'README.md');
      report.updateReadme(readme);
      log(`README.md: Benchmarks table replaced`);
    }
  } finally {
    await platform.stop();
    await mongo.close().catch(() => undefined);
    await infra.stop();
  }
}

runBench('bench', main);
