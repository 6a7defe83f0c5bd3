/**
 * Crash and restart under load. Partners drive verifications across the contracts at a steady
 * rate (seed 000 member verifications through the ID authority, seed 002 submissions a reviewer
 * approves, seed 003 roster verifications), while each service in turn is SIGKILLed and restarted,
 * then the Kafka broker is restarted. Afterwards:
 *   - every accepted request reaches a final state (no verification open, no review case pending),
 *   - every partner callback is received, and exactly once once deduplicated by its id (a retry
 *     after a crash may deliver one twice: the partner drops the copy, as its contract says),
 *   - nothing is stuck (no callback owed, no outbox record unpublished),
 *   - no event sits in a dead-letter topic without a reason.
 * The counts are printed. The run has its own broker (restarting the suite's would disturb
 * nothing else, but its own is cleaner); MongoDB is the suite's.
 *
 * KYC_CHAOS_VERIFICATIONS (default 5000) and KYC_CHAOS_RATE (per second, default 10, what the
 * dev stack sustains on 2 cores with the crashes) size it. Part of the test command; alone:
 * `npm run test:chaos -w @kyc/integration-tests`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { createPartner, findRepoRoot, mintSession, PartnerCredentials, Platform, ServiceName, signBody, startPlatform } from '@kyc/dev-platform';
import { startFreshKafka } from '@kyc/dev-services';
import { CallbackReceiver, MEMBER_OK, WEBHOOK_OK } from '../support/callback-receiver';
import { eventually, infra, uniqueNamespace, withMongo } from '../support/fixtures';
import { idNumber } from '../support/identities';
import { fetchInfo, newReviewer, ReviewerClient, submitInfo, uploadEvidencePhotos } from '../support/review';
import { runRosterCli } from '../support/roster-cli';
import { readEveryRecord } from '../support/topic-reader';

jest.setTimeout(1_200_000);

const TOTAL = Number(process.env.KYC_CHAOS_VERIFICATIONS ?? 5000);
const RATE = Number(process.env.KYC_CHAOS_RATE ?? 10);
/** Percent of the load: most partners call seed 000; seeds 002 and 003 cost more per verification. */
const PERCENT = { seed002: 5, seed003: 7 };
/** Request i's contract, by its place in each hundred, so that each kind's count is known up front (the roster). */
const kindOf = (i: number): Kind => (i % 100 < PERCENT.seed002 ? 'seed002' : i % 100 < PERCENT.seed002 + PERCENT.seed003 ? 'seed003' : 'seed000');
/** The order things are broken in, at these fractions of the load (KYC_CHAOS_BREAKS: a comma list to break fewer). */
const BREAKS: { at: number; what: ServiceName | 'kafka' }[] = [
  { at: 0.12, what: 'gateway' as const },
  { at: 0.26, what: 'realname-pattern' as const },
  { at: 0.4, what: 'identity-lookup' as const },
  { at: 0.54, what: 'photo-storage' as const },
  { at: 0.68, what: 'notifier' as const },
  { at: 0.82, what: 'kafka' as const },
].filter((b) => process.env.KYC_CHAOS_BREAKS === undefined || process.env.KYC_CHAOS_BREAKS.split(',').includes(b.what));
/** review_cases.status of a case waiting for a reviewer (CaseStatus.Pending). */
const CASE_PENDING = 1;
/** How long a partner keeps retrying a request that could not be made (connection refused, 5xx). */
const PARTNER_RETRY_MS = 180_000;

type Kind = 'seed000' | 'seed002' | 'seed003';
interface Request {
  kind: Kind;
  /** What the callback carries to match it: tx_seq_no (seed 000) or the subject's user id. */
  key: string;
  accepted: boolean;
  attempts: number;
  /** Why the last attempt was not accepted (for the report). */
  refusal?: string;
}

let kafka: Awaited<ReturnType<typeof startFreshKafka>>;
let platform: Platform;
let memberReceiver: CallbackReceiver;
let webhookReceiver: CallbackReceiver;
let memberPartner: PartnerCredentials;
let campus: PartnerCredentials;
let reviewer: ReviewerClient;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HAN = '安白陈邓丁方冯高郭韩何胡黄江金康孔李林刘龙陆罗马毛孟潘彭钱秦邱任沈石宋苏孙唐陶田汪王魏吴夏谢徐许杨叶易尹余袁张赵郑钟周朱庄';
const hanName = (i: number) => `${HAN[i % HAN.length]}${HAN[Math.floor(i / HAN.length) % HAN.length]}${HAN[(i * 7) % HAN.length]}`;

async function post(urlPath: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${platform.gatewayUrl}${urlPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as { code?: number; data?: any } };
}

/**
 * A partner's call with its retries: connection errors, timeouts, 5xx and 429 are tried again (the
 * same request: seed 000 by the same tx_seq_no) for up to PARTNER_RETRY_MS; a 2xx is "accepted",
 * and any other 4xx is final, as a partner treats it.
 */
async function asPartner(req: Request, call: () => Promise<true | string>): Promise<void> {
  const until = Date.now() + PARTNER_RETRY_MS;
  for (;;) {
    req.attempts++;
    try {
      const outcome = await call();
      if (outcome === true) {
        req.accepted = true;
        return;
      }
      req.refusal = outcome;
      if (/^4\d\d /.test(outcome) && !outcome.startsWith('429 ')) return;
    } catch (err) {
      // Refused connection, reset, timeout: the gateway is restarting.
      req.refusal = (err as Error).message;
    }
    if (Date.now() > until) return;
    await sleep(500 + Math.random() * 500);
  }
}

/** true when the answer says accepted, else what it said. */
const acceptedOr = (ok: boolean, answer: { status: number; body: unknown }): true | string => ok || `${answer.status} ${JSON.stringify(answer.body).slice(0, 120)}`;

async function seed000(i: number, req: Request): Promise<void> {
  const fields = {
    user_id: `chaos-member-${i}`,
    tx_seq_no: req.key,
    notify_url: memberReceiver.url(),
    member: { id: i, name: hanName(i), identity_card_number: idNumber('110101', `19${String(50 + (i % 50)).padStart(2, '0')}0307`, 100 + Math.floor(i / 50)) },
  };
  await asPartner(req, async () => {
    const answer = await post('/api/platform/member/verify', signBody(memberPartner, fields));
    return acceptedOr(answer.status === 200 && answer.body.code === 200, answer);
  });
}

async function seed002(i: number, req: Request): Promise<void> {
  await asPartner(req, async () => {
    const sid = await mintSession(platform.gatewayUrl, campus, req.key);
    // A retry whose first submission went through (its answer lost in a crash) finds it under review.
    if (((await fetchInfo(platform, sid)).response.validate_obj?.validate_status ?? 0) >= 1) return true as const;
    await uploadEvidencePhotos(platform, sid);
    const submitted = await submitInfo(platform, sid, { name: hanName(i + 7), idcardNumber: idNumber('310101', `19${String(60 + (i % 30)).padStart(2, '0')}1102`, 100 + Math.floor(i / 30)) });
    return acceptedOr(submitted.response.result === 200, { status: submitted.response.result, body: submitted.response });
  });
}

async function seed003(i: number, req: Request): Promise<void> {
  await asPartner(req, async () => {
    const session = await post('/api/platform/session', signBody(campus, { user_id: req.key }));
    if (session.status !== 200) return acceptedOr(false, session);
    const answer = await post(
      '/api/ucenter-service-provider/api/user/rnauth',
      { rnAuthPatternCode: 'IMPORT-ECARD', data: { name: hanName(10_000 + i), outid: `c${String(i).padStart(5, '0')}`, customerCode: '9001' } },
      { 'x-deepcloud-from': 'client', authorization: session.body.data.access_token },
    );
    // 202: accepted, the verdict follows by ticket and callback.
    return acceptedOr(answer.status === 200 || answer.status === 202, answer);
  });
}

/** The reviewer's day: approves what is pending, oldest first, until told to stop. */
function reviewLoop(): { stop(): Promise<number> } {
  let running = true;
  let approved = 0;
  const loop = (async () => {
    while (running) {
      try {
        for (const c of await reviewer.pendingCases(50)) {
          const decided = await reviewer.decide(c.case_id, { decision: 'approve', round: c.round ?? 1 });
          if (decided.status === 200) approved++;
        }
      } catch {
        // The gateway or realname-pattern is restarting.
      }
      await sleep(300);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return approved;
    },
  };
}

async function breakAndRestart(what: ServiceName | 'kafka', log: string[]): Promise<void> {
  const t0 = Date.now();
  if (what === 'kafka') {
    await kafka.restart();
  } else {
    await platform.services[what].stop('SIGKILL');
    await platform.services[what].start();
  }
  log.push(`${what} ${what === 'kafka' ? 'restarted' : 'SIGKILLed and restarted'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

beforeAll(async () => {
  kafka = await startFreshKafka({ readiness: 'started', log: () => undefined });
  platform = await startPlatform({
    kafkaBrokers: kafka.kafkaBrokers,
    mongoUrl: infra().mongoUrl,
    namespace: uniqueNamespace('chaos'),
    env: {
      RATE_LIMIT_PER_MINUTE: '1000000',
      // Work a crashed process held is taken up again soon after its restart.
      VERIFICATION_LEASE_MS: '5000',
      CALLBACK_LEASE_MS: '5000',
      CALLBACK_RETRY_SCALE: '0.01',
      CALLBACK_POLL_INTERVAL_MS: '200',
    },
  });
  memberReceiver = await new CallbackReceiver(() => MEMBER_OK).start();
  webhookReceiver = await new CallbackReceiver(() => WEBHOOK_OK).start();
  memberPartner = await createPartner(platform, 'chaos members', 'member-verify');
  campus = await createPartner(platform, 'chaos campus', 'user-validate,campus-auth');
  const cli = path.join(findRepoRoot(), 'packages/operator-cli/dist/main.js');
  await promisify(execFile)(process.execPath, [cli, 'partner', 'set-callback', '--app-id', campus.app_id, '--url', webhookReceiver.url()], { env: { ...process.env, ...platform.gatewayEnv } });
  // A school whose roster holds the seed 003 people (no ID numbers: IMPORT-ECARD proves membership).
  const people = Math.ceil((TOTAL * PERCENT.seed003) / 100) + 10;
  const rows = ['学工号 (outid),姓名 (name),身份证号 (identityNo),角色 (role),手机号 (mobile),部门 (departments),亲属 (relatives),一卡通编号 (ecardCustomerId)'];
  for (let i = 0; i < people; i++) rows.push(`c${String(i).padStart(5, '0')},${hanName(10_000 + i)},,1,,学生,,`);
  const file = path.join(platform.logDir, 'chaos-roster.csv');
  await writeFile(file, `${rows.join('\n')}\n`);
  const env = { MONGO_URL: infra().mongoUrl, MONGO_DB: platform.dbName('identity-lookup'), KYC_MASTER_KEY: platform.masterKey };
  const run = await runRosterCli(env, ['import', '--partner', campus.app_id, '--customer-code', '9001', '--name', '混沌测试学校', '--ecard-school', 'false', '--dpcode', '9001', '--file', file]);
  expect(run.code).toBe(0);
  reviewer = await newReviewer(platform, 'chaos reviewer');
});

afterAll(async () => {
  await memberReceiver?.close();
  await webhookReceiver?.close();
  await platform?.stop();
  await kafka?.stop();
});

describe('crash and restart under load', () => {
  it('when every service is SIGKILLed in turn and the broker restarts under load, then nothing accepted is lost, stuck or delivered twice to the partner', async () => {
    const requests: Request[] = [];
    const inFlight: Promise<void>[] = [];
    const events: string[] = [];
    const reviews = reviewLoop();
    const t0 = Date.now();
    let nextBreak = 0;
    let breaking: Promise<void> = Promise.resolve();
    const perKind: Record<Kind, number> = { seed000: 0, seed002: 0, seed003: 0 };

    for (let i = 0; i < TOTAL; i++) {
      // A steady arrival rate: request i leaves at i / RATE seconds, whatever happened before.
      const due = t0 + (i * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
      if (nextBreak < BREAKS.length && i >= BREAKS[nextBreak].at * TOTAL) {
        const what = BREAKS[nextBreak++].what;
        breaking = breaking.then(() => breakAndRestart(what, events));
      }
      const kind = kindOf(i);
      const req: Request = { kind, key: kind === 'seed000' ? `chaos${i}${randomBytes(3).toString('hex')}` : `chaos-${kind}-${i}`, accepted: false, attempts: 0 };
      requests.push(req);
      // The request's number within its kind (its roster person, its identity).
      const seq = perKind[kind]++;
      inFlight.push(kind === 'seed000' ? seed000(i, req) : kind === 'seed002' ? seed002(seq, req) : seed003(seq, req));
    }
    await Promise.all(inFlight);
    await breaking;
    const loadSeconds = (Date.now() - t0) / 1000;
    const accepted = requests.filter((q) => q.accepted);
    const byKind = (k: Kind) => accepted.filter((q) => q.kind === k);

    // Every accepted seed 002 case is decided by the reviewer; then every verification is final.
    await eventually(async () => {
      const open = await withMongo((c) =>
        c.db(platform.dbName('realname-pattern')).collection('verifications').countDocuments({ state: { $in: ['STARTED', 'PROCESSING'] } }),
      );
      const pending = await withMongo((c) => c.db(platform.dbName('realname-pattern')).collection('review_cases').countDocuments({ status: CASE_PENDING }));
      return open === 0 && pending === 0 ? true : undefined;
    }, 600_000, 2_000);
    const approved = await reviews.stop();
    // The campus partner's verifications (seeds 002 and 003): each owes the partner one webhook.
    const campusVerifications = await withMongo((c) =>
      c.db(platform.dbName('realname-pattern')).collection<{ _id: string }>('verifications').find({ partnerId: campus.app_id }, { projection: { _id: 1 } }).toArray(),
    );

    // Every callback received, and once deduplicated by its id: one notification per seed 000
    // transaction (its tx_seq_no), one webhook id per verification.
    const memberKeys = new Set(byKind('seed000').map((q) => q.key));
    const memberIdsOf = () => memberReceiver.received.map((r) => String(r.json?.tx_seq_no ?? '')).filter((k) => memberKeys.has(k));
    const webhooksOf = () => webhookReceiver.received.filter((r) => r.json?.type === 'verification.completed');
    const webhookIdsByVerification = () => {
      const ids = new Map<string, Set<string>>();
      for (const r of webhooksOf()) ids.set(r.json.data.verification_id, (ids.get(r.json.data.verification_id) ?? new Set()).add(r.headers['webhook-id']));
      return ids;
    };
    await eventually(
      async () => (new Set(memberIdsOf()).size >= memberKeys.size && webhookIdsByVerification().size >= campusVerifications.length ? true : undefined),
      600_000,
      2_000,
    );
    // Late copies would come now: a short quiet period before counting.
    await sleep(5_000);
    const memberIds = memberIdsOf();
    const webhooks = webhooksOf();
    const byVerification = webhookIdsByVerification();
    const received = memberIds.length + webhooks.length;
    const unique = new Set(memberIds).size + new Set(webhooks.map((r) => r.headers['webhook-id'])).size;

    // Nothing owed or unpublished.
    const owedCallbacks = await withMongo((c) => c.db(platform.dbName('notifier')).collection('callbacks').countDocuments({ state: { $ne: 'DELIVERED' } }));
    const unpublished = await withMongo(async (c) => {
      let n = 0;
      for (const service of ['gateway', 'realname-pattern', 'photo-storage', 'identity-lookup', 'notifier'] as const) {
        const db = c.db(platform.dbName(service));
        for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
          n += await db.collection(name).countDocuments({ outboxPending: true });
        }
      }
      return n;
    });

    // Dead letters, each with its reason.
    const deadLetters = await readDeadLetters();

    process.stdout.write(
      [
        `[crash-recovery] ${TOTAL} requests at ${RATE}/s over ${loadSeconds.toFixed(0)} s; ${events.join('; ')}`,
        `  accepted: ${accepted.length} (seed 000: ${byKind('seed000').length}, seed 002: ${byKind('seed002').length}, seed 003: ${byKind('seed003').length}); not accepted after a partner's retries: ${TOTAL - accepted.length}; retried calls: ${requests.reduce((n, q) => n + q.attempts - 1, 0)}`,
        `  last answers of requests not accepted (sample): ${JSON.stringify([...new Set(requests.filter((q) => !q.accepted).map((q) => q.refusal))].slice(0, 5))}`,
        `  completed: ${accepted.length} (no verification open, no review case pending; campus verifications: ${campusVerifications.length}; reviewer approvals: ${approved})`,
        `  callbacks received: ${received}, unique: ${unique}, duplicates absorbed: ${received - unique}`,
        `  callbacks owed: ${owedCallbacks}; outbox records unpublished: ${unpublished}; dead letters: ${deadLetters.length} (without a reason: ${deadLetters.filter((d) => !d.reason).length})`,
        '',
      ].join('\n'),
    );

    expect(accepted.length).toBeGreaterThan(TOTAL * 0.95);
    expect(new Set(memberIds).size).toBe(memberKeys.size);
    expect(campusVerifications.length).toBeGreaterThanOrEqual(byKind('seed002').length + byKind('seed003').length);
    expect(campusVerifications.filter((v) => byVerification.get(v._id)?.size !== 1).map((v) => v._id)).toEqual([]);
    expect(owedCallbacks).toBe(0);
    expect(unpublished).toBe(0);
    expect(deadLetters.filter((d) => !d.reason)).toEqual([]);
  });
});

/** Every record of the platform's dead-letter topics, with its x-error-code. */
async function readDeadLetters(): Promise<{ topic: string; reason: string }[]> {
  const found: { topic: string; reason: string }[] = [];
  await readEveryRecord(kafka.kafkaBrokers, (t) => t.endsWith('.dlq'), (topic, message) => found.push({ topic, reason: message.headers?.['x-error-code']?.toString() ?? '' }));
  return found;
}
