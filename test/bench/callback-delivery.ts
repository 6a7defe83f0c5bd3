/**
 * Partner callback delivery (notifier) through the real stack: verifications are started on
 * realname-pattern's VerificationService as the gateway would (sandbox identities that match),
 * each completion owes its partner a callback, and each partner is a real HTTP endpoint on this
 * machine.
 *
 *   npm run bench:callbacks -w @kyc/integration-tests
 *
 * 1. Throughput and latency: BENCH_CALLBACKS verifications spread over BENCH_PARTNERS healthy
 *    partners (seed 000 member-notify and Standard Webhooks alternately). Prints callbacks
 *    delivered per second (first start to last callback received) and p50/p90/p99/max of
 *    "verification completed -> callback received". Completed is the `occurred_at` of the
 *    VerificationCompleted envelope on kyc.verification.v1 (stamped when realname-pattern writes
 *    the final state with its outbox); received is this process's clock when the request arrived.
 *    Also printed: the p50 of each leg (started -> completed -> on Kafka (the record's timestamp)
 *    -> owed by the notifier (its callback document's createdAt) -> received), and the notifier's
 *    own part (owed -> received) in full, since the legs before it are not the notifier's doing.
 * 2. Isolation: a fifth partner gets as many verifications as each measured one; it is healthy in
 *    the baseline and has a dead endpoint in the other phases (BENCH_DEAD_MODES, default
 *    `hang,refuse`; `500` too on request), so every phase carries the same load. Prints the four
 *    measured partners' figures in each phase and the ratios to the baseline. Every phase runs on
 *    a platform of its own (fresh databases and topics), so phases differ only in the fifth
 *    partner's endpoint.
 *
 * Settings: BENCH_CALLBACKS (100), BENCH_PARTNERS (4), BENCH_START_CONCURRENCY (16),
 * BENCH_CALLBACK_TIMEOUT_MS (2000, passed to the notifier as CALLBACK_TIMEOUT_MS so hangs resolve
 * quickly), BENCH_PHASE_DEADLINE_MS (180000).
 *
 * Uses running dev services when KYC_TEST_KAFKA_BROKERS and KYC_TEST_MONGO_URL are set,
 * otherwise starts them (and stops them at the end). Prints figures; asserts nothing.
 */
import { randomUUID } from 'node:crypto';
import { Metadata, ServiceError, status } from '@grpc/grpc-js';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { events, verification } from '@kyc/contracts';
import { createLogger } from '@kyc/core';
import { Platform, startPlatform } from '@kyc/dev-platform';
import { startDevServices } from '@kyc/dev-services';
import { EventBus, TOPICS } from '@kyc/kafka-bus';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { forEachBounded, percentile, runBench, sleep } from './bench-kit';
import { publishPartnerSettings, refusingUrl } from './scenarios/partner-endpoints';
import { CallbackAnswer, CallbackReceiver, MEMBER_OK, ReceivedCallback, WEBHOOK_OK } from '../support/callback-receiver';
import { idNumber } from '../support/identities';

const TOTAL = Number(process.env.BENCH_CALLBACKS ?? 100);
const PARTNERS = Number(process.env.BENCH_PARTNERS ?? 4);
const START_CONCURRENCY = Number(process.env.BENCH_START_CONCURRENCY ?? 16);
const CALLBACK_TIMEOUT_MS = Number(process.env.BENCH_CALLBACK_TIMEOUT_MS ?? 2_000);
const DEAD_MODES = (process.env.BENCH_DEAD_MODES ?? 'hang,refuse').split(',').map((m) => m.trim()).filter(Boolean) as DeadMode[];
/** How long a phase waits for the healthy partners' last callbacks before reporting what it has. */
const PHASE_DEADLINE_MS = Number(process.env.BENCH_PHASE_DEADLINE_MS ?? 180_000);
/** Tries of one StartVerification answered UNAVAILABLE / DEADLINE_EXCEEDED before it counts as failed. */
const START_ATTEMPTS = 20;

type DeadMode = 'hang' | 'refuse' | '500';
type Format = 'member' | 'webhooks';

const DEAD_LABEL: Record<DeadMode, string> = {
  hang: `hangs (until the ${CALLBACK_TIMEOUT_MS} ms timeout)`,
  refuse: 'refuses connections',
  '500': 'answers 500',
};

const log = (line: string) => process.stdout.write(`${line}\n`);

/** One partner as the bench sees it: its settings and the endpoint's first receipt per callback. */
interface BenchPartner {
  partnerId: string;
  format: Format;
  callbackUrl: string;
  version: number;
  receiver?: CallbackReceiver;
  /** Callback key (tx_seq_no for member-notify, webhook-id for webhooks) -> first receipt, ms. */
  firstReceivedAt: Map<string, number>;
  requests: number;
}

interface Job {
  partner: BenchPartner;
  reference: string;
  verificationId?: string;
  startError?: string;
  retriable?: boolean;
  createdAt?: number;
}

interface PhaseResult {
  label: string;
  healthyJobs: number;
  delivered: number;
  seconds: number;
  latenciesMs: number[];
  missingCompletion: number;
  deadRequests?: number;
  startErrors: number;
  startRetries: number;
  /** Owed by the notifier (its callback document created) -> received: the notifier's own part. */
  notifierMs: number[];
  /** p50 of each leg, for seeing where the time goes. */
  stagesP50: { startedToCompleted: number; completedToKafka: number; kafkaToOwed: number; owedToReceived: number };
}

function call<Res>(fn: (cb: (err: ServiceError | null, res: Res) => void) => void): Promise<Res> {
  return new Promise((resolve, reject) => fn((err, res) => (err ? reject(err) : resolve(res))));
}

/**
 * One phase on a platform of its own (fresh databases and topics, same Kafka and MongoDB-wire
 * server), so phases compare like with like: what the previous phase left behind (thousands of
 * documents, a drained backlog) cannot slow the next one.
 */
async function measurePhase(infra: { kafkaBrokers: string; mongoUrl: string }, label: string, dead?: DeadMode): Promise<PhaseResult> {
  const platformEnv = { CALLBACK_TIMEOUT_MS: String(CALLBACK_TIMEOUT_MS) };
  const platform: Platform = await startPlatform({
    kafkaBrokers: infra.kafkaBrokers,
    mongoUrl: infra.mongoUrl,
    namespace: `benchcb${Date.now().toString(36)}`,
    env: platformEnv,
  });
  const cipher = new PiiCipher(masterKeyFromHex(platform.masterKey));
  const bus = new EventBus({ brokers: [infra.kafkaBrokers], clientId: 'bench-callbacks', logger: createLogger('bench', 'error'), topicPrefix: platform.topic('') });
  const mongo = new MongoClient(infra.mongoUrl, { serverSelectionTimeoutMS: 10_000 });
  const kafka = new Kafka({ clientId: 'bench-callbacks', brokers: [infra.kafkaBrokers], logLevel: logLevel.NOTHING });
  const completions = kafka.consumer({ groupId: `bench-callbacks-${randomUUID()}` });
  const verifications = new verification.VerificationServiceClient(
    platform.grpcTargets['realname-pattern'],
    platform.pki.credentialsFor('gateway', 'realname-pattern'),
    platform.pki.channelOptions('realname-pattern'),
  );
  const receivers: CallbackReceiver[] = [];

  try {
    await bus.connect();
    await mongo.connect();

    // verification id -> VerificationCompleted occurred_at (ms).
    const completedAt = new Map<string, number>();
    // verification id -> the record's Kafka timestamp (when realname-pattern's relay produced it).
    const publishedAt = new Map<string, number>();
    await completions.connect();
    await completions.subscribe({ topic: platform.topic(TOPICS.verification), fromBeginning: true });
    await completions.run({
      eachMessage: async ({ message }) => {
        if (!message.value) return;
        const envelope = events.EventEnvelope.decode(message.value);
        if (envelope.type !== 'kyc.verification.v1.VerificationCompleted' || !envelope.occurredAt) return;
        const done = verification.VerificationCompleted.decode(envelope.payload);
        completedAt.set(done.verificationId, envelope.occurredAt.getTime());
        publishedAt.set(done.verificationId, Number(message.timestamp));
      },
    });

    /** Publishes PartnerSettingsChanged as the gateway does and waits until the notifier holds it. */
    const publishSettings = (p: BenchPartner, active = true) => publishPartnerSettings({ bus, mongo, platform, cipher }, p, active);

    /** A partner whose endpoint is a real HTTP server answering `answer`, recording first receipts. */
    const partnerWithEndpoint = async (format: Format, answer: CallbackAnswer, name: string): Promise<BenchPartner> => {
      const p: BenchPartner = { partnerId: `${name}-${randomUUID().slice(0, 8)}`, format, callbackUrl: '', version: 0, firstReceivedAt: new Map(), requests: 0 };
      const keyOf = (r: ReceivedCallback) => (format === 'member' ? (r.json?.tx_seq_no as string | undefined) : r.headers['webhook-id']);
      p.receiver = await new CallbackReceiver((r) => {
        const at = Date.now();
        p.requests += 1;
        const key = keyOf(r);
        if (key && !p.firstReceivedAt.has(key)) p.firstReceivedAt.set(key, at);
        return answer;
      }).start();
      receivers.push(p.receiver);
      p.callbackUrl = p.receiver.url();
      await publishSettings(p);
      return p;
    };

    // Every ID number is used once in the whole run (one subject per ID number and partner).
    let identityCounter = 0;
    const nextIdNumber = () => {
      const birth = new Date(Date.UTC(1960, 0, 1) + identityCounter++ * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
      return idNumber('110101', birth, 123); // seq 123: the sandbox authority answers match
    };

    let startRetries = 0;
    const startOne = async (job: Job) => {
      // A partner whose start is refused as unavailable (e.g. realname-pattern's breaker towards
      // identity-lookup is open under this load) tries again, so every phase carries the same load.
      for (let attempt = 1; ; attempt++) {
        await startOnce(job);
        if (!job.startError || !job.retriable || attempt >= START_ATTEMPTS) return;
        startRetries += 1;
        await sleep(Math.min(3_000, 250 * attempt));
      }
    };
    const startOnce = async (job: Job) => {
      job.startError = undefined;
      job.retriable = false;
      try {
        const res = await call<verification.StartVerificationResponse>((cb) =>
          verifications.startVerification(
            {
              subjectId: `subject-${randomUUID()}`,
              partnerId: job.partner.partnerId,
              method: 'authority-check',
              claim: { name: '张三', idNumber: nextIdNumber(), mobile: '' },
              evidenceIds: [],
              partnerReference: job.reference,
              callbackUrl: '',
              idempotencyKey: '',
              correlationId: '',
              methodInput: {},
            },
            new Metadata(),
            { deadline: Date.now() + 15_000 },
            cb,
          ),
        );
        job.verificationId = res.verification!.verificationId;
        job.createdAt = res.verification!.createdAt?.getTime();
      } catch (err) {
        job.startError = (err as ServiceError).details ?? (err as Error).message;
        job.retriable = [status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.RESOURCE_EXHAUSTED].includes((err as ServiceError).code);
      }
    };

    const callbackKey = (job: Job) => (job.partner.format === 'member' ? job.reference : job.verificationId);

    const runPhase = async (label: string, dead?: DeadMode): Promise<PhaseResult> => {
      const perPartner = Math.max(1, Math.round(TOTAL / PARTNERS));
      const healthy: BenchPartner[] = [];
      for (let i = 0; i < PARTNERS; i++) {
        const format: Format = i % 2 === 0 ? 'member' : 'webhooks';
        healthy.push(await partnerWithEndpoint(format, format === 'member' ? MEMBER_OK : WEBHOOK_OK, `bench-healthy-${i}`));
      }
      // A fifth partner with the same share in every phase: healthy in the baseline, dead in the
      // others. Only the four others are measured, so every phase carries the same load upstream.
      let fifth: BenchPartner | undefined;
      let deadPartner: BenchPartner | undefined;
      if (!dead) {
        fifth = await partnerWithEndpoint('webhooks', WEBHOOK_OK, 'bench-fifth');
      } else if (dead === 'refuse') {
        deadPartner = { partnerId: `bench-dead-${randomUUID().slice(0, 8)}`, format: 'webhooks', callbackUrl: await refusingUrl(), version: 0, firstReceivedAt: new Map(), requests: 0 };
        await publishSettings(deadPartner);
      } else if (dead) {
        deadPartner = await partnerWithEndpoint('webhooks', dead === 'hang' ? 'hang' : { status: 500, body: 'down' }, 'bench-dead');
      }
      fifth ??= deadPartner!;

      // Interleaved, so the dead partner's callbacks are owed at the same time as the others'.
      const everyone = [...healthy, fifth];
      const jobs: Job[] = [];
      for (let n = 0; n < perPartner; n++) for (const p of everyone) jobs.push({ partner: p, reference: `bench-${p.partnerId}-${n}` });
      const healthyJobs = jobs.filter((j) => j.partner !== fifth);

      const retriesBefore = startRetries;
      const t0 = Date.now();
      await forEachBounded(jobs, START_CONCURRENCY, startOne);
      const startedIn = (Date.now() - t0) / 1000;

      const received = (j: Job) => {
        const key = callbackKey(j);
        return key ? j.partner.firstReceivedAt.get(key) : undefined;
      };
      const until = Date.now() + PHASE_DEADLINE_MS;
      while (healthyJobs.some((j) => j.verificationId && received(j) === undefined) && Date.now() < until) await sleep(50);
      // The consumer may trail the callbacks by a moment.
      const consumerUntil = Date.now() + 10_000;
      while (healthyJobs.some((j) => j.verificationId && !completedAt.has(j.verificationId)) && Date.now() < consumerUntil) await sleep(50);

      const receipts = healthyJobs.map(received).filter((t): t is number => t !== undefined);
      const last = receipts.length ? Math.max(...receipts) : Date.now();
      const latenciesMs: number[] = [];
      let missingCompletion = 0;
      for (const j of healthyJobs) {
        const at = received(j);
        if (at === undefined || !j.verificationId) continue;
        const done = completedAt.get(j.verificationId);
        if (done === undefined) missingCompletion += 1;
        else latenciesMs.push(at - done);
      }
      latenciesMs.sort((a, b) => a - b);

      const owedAt = new Map<string, number>();
      const delivered = healthyJobs.filter((j) => j.verificationId && received(j) !== undefined);
      const docs = await mongo
        .db(platform.dbName('notifier'))
        .collection<{ _id: string; createdAt: Date }>('callbacks')
        .find({ _id: { $in: delivered.map((j) => j.verificationId!) } }, { projection: { createdAt: 1 } })
        .toArray();
      for (const d of docs) owedAt.set(d._id, d.createdAt.getTime());
      const p50Of = (values: (number | undefined)[]) =>
        percentile(
          values.filter((v): v is number => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b),
          50,
        );
      const leg = (from: (j: Job) => number | undefined, to: (j: Job) => number | undefined) =>
        p50Of(delivered.map((j) => {
          const a = from(j);
          const b = to(j);
          return a === undefined || b === undefined ? undefined : b - a;
        }));
      const notifierMs = delivered
        .map((j) => {
          const owed = owedAt.get(j.verificationId!);
          return owed === undefined ? undefined : received(j)! - owed;
        })
        .filter((v): v is number => v !== undefined)
        .sort((a, b) => a - b);
      const stagesP50 = {
        startedToCompleted: leg((j) => j.createdAt, (j) => completedAt.get(j.verificationId!)),
        completedToKafka: leg((j) => completedAt.get(j.verificationId!), (j) => publishedAt.get(j.verificationId!)),
        kafkaToOwed: leg((j) => publishedAt.get(j.verificationId!), (j) => owedAt.get(j.verificationId!)),
        owedToReceived: leg((j) => owedAt.get(j.verificationId!), received),
      };

      // Settle the dead partner: its pending retries would otherwise spill into the next phase.
      if (deadPartner) await publishSettings(deadPartner, false);
      // Likewise every verification of this phase must be completed before the next one starts.
      const drainFrom = Date.now();
      const drainUntil = drainFrom + PHASE_DEADLINE_MS;
      while (jobs.some((j) => j.verificationId && !completedAt.has(j.verificationId)) && Date.now() < drainUntil) await sleep(200);
      const drained = (Date.now() - drainFrom) / 1000;
      const result: PhaseResult = {
        label,
        healthyJobs: healthyJobs.length,
        delivered: receipts.length,
        seconds: (last - t0) / 1000,
        latenciesMs,
        missingCompletion,
        deadRequests: deadPartner && dead !== 'refuse' ? deadPartner.requests : undefined,
        startErrors: jobs.filter((j) => j.startError).length,
        startRetries: startRetries - retriesBefore,
        stagesP50,
        notifierMs,
      };
      const errors = [...new Set(jobs.map((j) => j.startError).filter(Boolean))];
      log(
        `  ${label}: ${jobs.length} started in ${startedIn.toFixed(1)} s (${(jobs.length / startedIn).toFixed(1)}/s)` +
          (result.startRetries ? `, ${result.startRetries} retried after UNAVAILABLE` : '') +
          `${result.startErrors ? `, ${result.startErrors} failed to start (${errors.slice(0, 2).join('; ')})` : ''}; ` +
          `healthy callbacks ${result.delivered}/${result.healthyJobs} in ${result.seconds.toFixed(1)} s` +
          (result.deadRequests !== undefined ? `; dead endpoint got ${result.deadRequests} requests` : '') +
          (drained >= 1 ? `; then waited ${drained.toFixed(0)} s for the phase's remaining completions` : ''),
      );
      const f = (v: number) => (Number.isFinite(v) ? `${v.toFixed(0)} ms` : 'n/a');
      log(
        `    p50 per leg: started -> completed ${f(stagesP50.startedToCompleted)}, completed -> on Kafka ${f(stagesP50.completedToKafka)}, ` +
          `on Kafka -> owed by the notifier ${f(stagesP50.kafkaToOwed)}, owed -> received ${f(stagesP50.owedToReceived)}`,
      );
      return result;
    };

    const warm = await partnerWithEndpoint('webhooks', WEBHOOK_OK, 'bench-warmup');
    const warmJob: Job = { partner: warm, reference: 'bench-warmup' };
    await startOne(warmJob);
    const warmUntil = Date.now() + 60_000;
    while (!(warmJob.verificationId && warm.firstReceivedAt.has(warmJob.verificationId)) && Date.now() < warmUntil) await sleep(50);
    if (warmJob.startError) throw new Error(`warm-up verification did not start: ${warmJob.startError}`);

    return await runPhase(label, dead);
  } finally {
    verifications.close();
    await completions.disconnect().catch(() => undefined);
    await Promise.all(receivers.map((r) => r.close()));
    await bus.disconnect().catch(() => undefined);
    await mongo.close().catch(() => undefined);
    await platform.stop();
  }
}

async function main(): Promise<void> {
  const given = process.env.KYC_TEST_KAFKA_BROKERS && process.env.KYC_TEST_MONGO_URL;
  if (!given) log('starting dev services (Kafka, MongoDB-wire server) ...');
  const infra: { kafkaBrokers: string; mongoUrl: string; stop(): Promise<unknown> } = given
    ? { kafkaBrokers: process.env.KYC_TEST_KAFKA_BROKERS!, mongoUrl: process.env.KYC_TEST_MONGO_URL!, stop: async () => undefined }
    : await startDevServices({ log: (l) => process.stderr.write(`[dev-services] ${l}\n`) });

  const perPartner = Math.max(1, Math.round(TOTAL / PARTNERS));
  log(
    `callback delivery: ${perPartner * PARTNERS} verifications over ${PARTNERS} healthy partners (${perPartner} each; ` +
      `member-notify answering 200 {"code":"0000"} and Standard Webhooks answering 204, alternately), ` +
      `StartVerification ${START_CONCURRENCY} at a time, sandbox authority-check (seq 123: match)`,
  );
  log(
    `notifier: CALLBACK_TIMEOUT_MS=${CALLBACK_TIMEOUT_MS} (set for this bench so hanging attempts resolve quickly); ` +
      `other CALLBACK_* settings at their defaults (4 in flight per partner, 64 in all, retry ladder from 10 s)`,
  );
  log('latency: VerificationCompleted envelope occurred_at (kyc.verification.v1) -> first request at the partner endpoint (this process clock, same machine)');
  log('');

  try {
    const results: PhaseResult[] = [];
    results.push(await measurePhase(infra, 'all five partners healthy'));
    for (const mode of DEAD_MODES) results.push(await measurePhase(infra, `the fifth partner ${DEAD_LABEL[mode]}`, mode));

    const [base] = results;
    const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(0)} ms` : 'n/a');
    const rateOf = (r: PhaseResult) => r.delivered / r.seconds;
    log('');
    log('1. throughput and latency (four partners measured, all five healthy)');
    log(`   delivered ${base.delivered}/${base.healthyJobs} callbacks in ${base.seconds.toFixed(1)} s (first start to last callback): ${rateOf(base).toFixed(1)} callbacks/s`);
    log(
      `   completed -> received: p50 ${ms(percentile(base.latenciesMs, 50))}, p90 ${ms(percentile(base.latenciesMs, 90))}, ` +
        `p99 ${ms(percentile(base.latenciesMs, 99))}, max ${ms(base.latenciesMs[base.latenciesMs.length - 1] ?? NaN)}` +
        (base.missingCompletion ? ` (${base.missingCompletion} without a VerificationCompleted seen)` : ''),
    );
    log(
      `   owed by the notifier -> received (the notifier's own part): p50 ${ms(percentile(base.notifierMs, 50))}, p90 ${ms(percentile(base.notifierMs, 90))}, ` +
        `p99 ${ms(percentile(base.notifierMs, 99))}, max ${ms(base.notifierMs[base.notifierMs.length - 1] ?? NaN)}`,
    );
    log(
      '   (completed -> received includes realname-pattern publishing VerificationCompleted from its outbox; the per-leg p50s above show which part dominates)',
    );
    if (results.length > 1) {
      log('');
      log(`2. isolation: the four healthy partners' figures while the fifth (${perPartner} verifications too) is healthy or dead`);
      log("   (owed -> received is the notifier's own part: the isolation it is responsible for)");
      const pad = (s: string, n: number) => s.padEnd(n);
      const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}x` : 'n/a');
      log(`   ${pad('', 60)}${pad('callbacks/s', 13)}${pad('completed -> received', 24)}owed -> received`);
      log(`   ${pad('', 60)}${pad('', 13)}${pad('p50       p99', 24)}p50       p99`);
      for (const r of results) {
        log(
          `   ${pad(r.label, 60)}${pad(rateOf(r).toFixed(1), 13)}` +
            `${pad(ms(percentile(r.latenciesMs, 50)), 10)}${pad(ms(percentile(r.latenciesMs, 99)), 14)}` +
            `${pad(ms(percentile(r.notifierMs, 50)), 10)}${ms(percentile(r.notifierMs, 99))}` +
            (r.delivered < r.healthyJobs ? `  (only ${r.delivered}/${r.healthyJobs} delivered within ${PHASE_DEADLINE_MS / 1000} s)` : ''),
        );
        if (r !== base)
          log(
            `   ${pad('  ratio to all five healthy', 60)}${pad(ratio(rateOf(r), rateOf(base)), 13)}` +
              `${pad(ratio(percentile(r.latenciesMs, 50), percentile(base.latenciesMs, 50)), 10)}${pad(ratio(percentile(r.latenciesMs, 99), percentile(base.latenciesMs, 99)), 14)}` +
              `${pad(ratio(percentile(r.notifierMs, 50), percentile(base.notifierMs, 50)), 10)}${ratio(percentile(r.notifierMs, 99), percentile(base.notifierMs, 99))}`,
          );
      }
    }
  } finally {
    await infra.stop();
  }
}

runBench('bench', main);
