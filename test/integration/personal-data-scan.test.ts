/**
 * Personal data at rest and in motion, after the whole run (this file runs last: see
 * support/scan-last-sequencer.js). It first sends fresh personal data through every contract it
 * can drive on its own platform (names, ID numbers, mobiles, and the session tokens minted for
 * them), then reads everything the run left behind:
 *   - every document of every MongoDB database,
 *   - every record (key, value, headers) of every Kafka topic, dead-letter topics included,
 *   - every service log of every platform the run started,
 * and looks for those values, for any GB 11643 ID number with a valid check character, any
 * mainland mobile number and the fixture names the other test files use. A hit is allowed only
 * where a contract forces it (ALLOWED below, each with its reason); the counts are printed. Users
 * this file has redacted (POST /api/platform/redaction) must leave no hit at all, allowed or not,
 * and no document but their redaction record may name their subject.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPartner, findRepoRoot, mintSession, PartnerCredentials, Platform, signBody } from '@kyc/dev-platform';
import { appCall, appPartner, appUser, idCardStep } from '../support/app-auth';
import { bootPlatform, eventually, infra, partnerWithUser, withMongo } from '../support/fixtures';
import { idNumber } from '../support/identities';
import { memberPartner, startNotifyReceiver, submitMember } from '../support/member-client';
import { makeCasePending, newReviewer, waitForStatus } from '../support/review';
import { redactAndWait } from '../support/redaction';
import { runRosterCli } from '../support/roster-cli';
import { readEveryRecord } from '../support/topic-reader';

jest.setTimeout(600_000);

/** Where a hit is: a store ("mongo", "kafka", "log"), and the database.collection, topic or log file. */
interface Hit {
  store: 'mongo' | 'kafka' | 'log';
  place: string;
  kind: 'name' | 'id-number' | 'mobile' | 'token';
  value: string;
}

/**
 * Hits a contract forces, each with the reason. A place is matched as a regular expression against
 * "<store>:<place>" (database and topic names carry each test platform's namespace). None today:
 * the contracts make the platform answer with personal data (seed 000 echoes the member's ID number
 * and phone, seed 003's ticket query the name and ID number, seed 004 the identity), never keep it
 * in clear; those answers are read from sealed fields. The sandbox SMS provider's outbox (a test
 * platform's sms/ folder) is the provider's side, not the platform's, and is not read.
 */
const ALLOWED: { place: RegExp; kind: Hit['kind']; why: string }[] = [];

const SERVICES = ['gateway', 'photo-storage', 'realname-pattern', 'identity-lookup', 'notifier'];
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const validIdNumber = (s: string) => '10X98765432'[[...s.slice(0, 17)].reduce((a, c, i) => a + Number(c) * W[i], 0) % 11] === s[17].toUpperCase();
/** Bounded by anything but letters and digits, so hex digests and base64 ciphertexts do not count. */
const ID_NUMBER = /(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g;
const MOBILE = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/g;
const ONE_ID_NUMBER = new RegExp(`^${ID_NUMBER.source}$`);
/** Names the other test files (and the demo rosters) use, in clear in their sources. */
const FIXTURE_NAMES = ['刘大宝', '王丽', '三五二', '刘小宝', '王五', '赵崇文', '孙宣武', '王小明', '李雷', '陈静', '周明'];

const mask = (v: string) => (v.length <= 4 ? '****' : `${v.slice(0, 2)}${'*'.repeat(v.length - 4)}${v.slice(-2)}`);

let platform: Platform;
/** What this file sent through the contracts (personal data and the tokens that stand for it). */
const sent = { names: new Set<string>(), idNumbers: new Set<string>(), mobiles: new Set<string>(), tokens: new Set<string>() };
/** What this file sent for users it then redacted (also in `sent`), and their redactions' ids. */
const redacted = { values: new Set<string>(), redactionIds: [] as string[] };

const uniqueHan = () => {
  // Two Han characters from a range no fixture uses, so a hit can only come from this file.
  const base = 0x9a00 + Math.floor(Math.random() * 0x100);
  return `扫${String.fromCodePoint(base)}${String.fromCodePoint(base + 1)}`;
};
const uniqueMobile = () => `1370${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

async function postJson(urlPath: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${platform.gatewayUrl}${urlPath}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { code: number; message: string; data: any } };
}

beforeAll(async () => {
  platform = await bootPlatform('piiscan', { ID_AUTHORITY_MODE: 'sandbox', MOBILE_CODE_RESEND_AFTER_MS: '1000' });
});
afterAll(async () => {
  await platform?.stop();
});

describe('personal data the contracts carry', () => {
  it('when seed 002 submits a name, an ID number and photos and a reviewer approves, then the user is verified', async () => {
    const { sid } = await partnerWithUser(platform, 'pii-002');
    const identity = { name: uniqueHan(), idcardNumber: idNumber('110105', '19880808', 100 + Math.floor(Math.random() * 800)) };
    sent.names.add(identity.name);
    sent.idNumbers.add(identity.idcardNumber);
    sent.tokens.add(sid);
    const { caseNumber } = await makeCasePending(platform, sid, identity);
    const reviewer = await newReviewer(platform, 'pii reviewer');
    sent.tokens.add(reviewer.token);
    const c = await reviewer.pendingCase(caseNumber);
    expect((await reviewer.decide(c.case_id, { decision: 'approve', round: 1 })).status).toBe(200);
    await waitForStatus(platform, sid, 2);
  });

  it('when seed 000 asks to verify a member with a phone, then the partner is notified', async () => {
    const partner = await memberPartner(platform, 'pii member partner');
    const receiver = await startNotifyReceiver();
    try {
      const member = { id: 7001, name: uniqueHan(), identity_card_number: idNumber('310101', '19791102', 200 + Math.floor(Math.random() * 700)), phone: uniqueMobile() };
      sent.names.add(member.name);
      sent.idNumbers.add(member.identity_card_number);
      sent.mobiles.add(member.phone);
      const answer = await submitMember(platform, partner, { user_id: 'pii-000', tx_seq_no: `pii${Date.now()}`, notify_url: receiver.url, member });
      expect(answer.body.code).toBe(200);
      await eventually(async () => (receiver.received.length > 0 ? true : undefined), 60_000);
    } finally {
      await receiver.close();
    }
  });

  it('when seed 001 sends step 1, then it is accepted', async () => {
    const partner = await appPartner(platform, 'pii app');
    const user = await appUser(platform, partner, 'pii-001');
    sent.tokens.add(user.token);
    const id = idNumber('440103', '19920229', 300 + Math.floor(Math.random() * 600));
    const [firstName, secondName] = ['欧阳', uniqueHan()];
    sent.names.add(secondName);
    sent.idNumbers.add(id);
    expect((await appCall(platform, user, '/user/authnew', idCardStep(id, { firstName, secondName }))).status).toBe(200);
  });

  it('when seed 003 verifies a roster member by IMPORT and a mobile by its SMS code, then both are verified', async () => {
    const campus: PartnerCredentials = await createPartner(platform, 'pii campus', 'user-validate,campus-auth');
    const env = { MONGO_URL: infra().mongoUrl, MONGO_DB: platform.dbName('identity-lookup'), KYC_MASTER_KEY: platform.masterKey };
    const file = path.join(findRepoRoot(), 'services/identity-lookup/sandbox/demo-roster-1001.csv');
    const run = await runRosterCli(env, ['import', '--partner', campus.app_id, '--customer-code', '1001', '--name', '郑州枫杨外国语学校', '--ecard-school', 'false', '--dpcode', '0', '--file', file]);
    expect(run.code).toBe(0);
    const session = await postJson('/api/platform/session', signBody(campus, { user_id: 'pii-003' }));
    const token = session.body.data.access_token as string;
    sent.tokens.add(token);
    const headers = { 'x-deepcloud-from': 'client', authorization: token };
    const teacher = { name: '刘大宝', identityNo: '410102198504120315', outid: '150940', customerCode: '1001' };
    expect((await postJson('/api/ucenter-service-provider/api/user/rnauth', { rnAuthPatternCode: 'IMPORT', data: teacher }, headers)).body.code).toBe(200);

    const mobile = uniqueMobile();
    sent.mobiles.add(mobile);
    const since = Date.now();
    expect((await postJson('/api/ucenter-service-provider/api/user/rnauth/mobile-code', { mobileNo: mobile }, headers)).body.code).toBe(200);
    const code = await eventually(async () => {
      const sms = JSON.parse(await readFile(path.join(platform.logDir, 'sms', `${mobile}.json`), 'utf8')) as { params: { code: string }; sentAt: string };
      return Date.parse(sms.sentAt) >= since ? sms.params.code : undefined;
    });
    const verified = await postJson('/api/ucenter-service-provider/api/user/rnauth', { rnAuthPatternCode: 'MOBILE', data: { mobileNo: mobile, code } }, headers);
    expect(verified.body.code).toBe(200);
  });

  it('when a user verified by seed 002 with photos and by seed 000 with a phone is redacted, then every service reports it erased', async () => {
    const partner = await createPartner(platform, 'pii redacting partner', 'user-validate,member-verify');
    const userId = 'pii-redacted';
    const sid = await mintSession(platform.gatewayUrl, partner, userId);
    const identity = { name: uniqueHan(), idcardNumber: idNumber('320102', '19900101', 100 + Math.floor(Math.random() * 800)) };
    const phone = uniqueMobile();
    for (const [set, value] of [[sent.names, identity.name], [sent.idNumbers, identity.idcardNumber], [sent.mobiles, phone], [sent.tokens, sid]] as const) {
      set.add(value);
      redacted.values.add(value);
    }
    const { caseNumber } = await makeCasePending(platform, sid, identity);
    const reviewer = await newReviewer(platform, 'pii redaction reviewer');
    const c = await reviewer.pendingCase(caseNumber);
    expect((await reviewer.decide(c.case_id, { decision: 'approve', round: 1 })).status).toBe(200);
    await waitForStatus(platform, sid, 2);
    const receiver = await startNotifyReceiver();
    try {
      const member = { id: 7002, name: identity.name, identity_card_number: identity.idcardNumber, phone };
      expect((await submitMember(platform, partner, { user_id: userId, tx_seq_no: `piired${Date.now()}`, notify_url: receiver.url, member })).body.code).toBe(200);
      await eventually(async () => (receiver.received.length > 0 ? true : undefined), 60_000);
    } finally {
      await receiver.close();
    }
    redacted.redactionIds.push(await redactAndWait(platform, partner, userId));
  });
});

// ---------- the scan ----------

function hitsIn(text: string, store: Hit['store'], place: string): Hit[] {
  const hits: Hit[] = [];
  const add = (kind: Hit['kind'], value: string) => hits.push({ store, place, kind, value });
  for (const m of text.match(ID_NUMBER) ?? []) if (validIdNumber(m)) add('id-number', m);
  for (const m of text.match(MOBILE) ?? []) add('mobile', m);
  for (const name of [...sent.names, ...FIXTURE_NAMES]) if (text.includes(name)) add('name', name);
  for (const token of sent.tokens) if (token && text.includes(token)) add('token', token);
  // Sent values the patterns above might miss (an ID number with a lower-case x, for one).
  for (const id of sent.idNumbers) if (!ONE_ID_NUMBER.test(id) && text.includes(id)) add('id-number', id);
  return hits;
}

async function scanMongo(): Promise<{ hits: Hit[]; documents: number }> {
  return withMongo(async (client) => {
    const hits: Hit[] = [];
    let documents = 0;
    const { databases } = await client.db('admin').admin().listDatabases();
    for (const { name: dbName } of databases) {
      if (['admin', 'local', 'config'].includes(dbName)) continue;
      const db = client.db(dbName);
      for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
        for await (const doc of db.collection(name).find({})) {
          documents++;
          hits.push(...hitsIn(JSON.stringify(doc), 'mongo', `${dbName}.${name}`));
        }
      }
    }
    return { hits, documents };
  });
}

async function scanKafka(): Promise<{ hits: Hit[]; records: number; topics: number }> {
  const hits: Hit[] = [];
  const read = await readEveryRecord(infra().kafkaBrokers, () => true, (topic, message) => {
    const headers = Object.entries(message.headers ?? {}).map(([k, v]) => `${k}=${v?.toString() ?? ''}`).join(' ');
    hits.push(...hitsIn(`${message.key?.toString('utf8') ?? ''} ${message.value?.toString('utf8') ?? ''} ${headers}`, 'kafka', topic));
  });
  return { hits, ...read };
}

/** The service logs of every platform this run started (their folders are made after the run began). */
async function scanLogs(): Promise<{ hits: Hit[]; files: number; lines: number }> {
  const started = Number(process.env.KYC_TEST_RUN_STARTED_MS ?? 0);
  const hits: Hit[] = [];
  let files = 0;
  let lines = 0;
  for (const dir of await readdir(os.tmpdir())) {
    if (!dir.startsWith('kyc-')) continue;
    const full = path.join(os.tmpdir(), dir);
    const info = await stat(full).catch(() => undefined);
    if (!info?.isDirectory() || info.mtimeMs < started - 1_000) continue;
    for (const service of SERVICES) {
      const text = await readFile(path.join(full, `${service}.log`), 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      files++;
      lines += text.split('\n').length;
      hits.push(...hitsIn(text, 'log', `${dir}/${service}.log`));
    }
  }
  return { hits, files, lines };
}

describe('personal data at rest and in motion, after the run', () => {
  it('when a text holds an ID number, a mobile, a name or a token this file sent, then the scan finds each of them', () => {
    const planted = JSON.stringify({ a: [...sent.idNumbers][0], b: `tel:${[...sent.mobiles][0]}`, c: [...sent.names][0], d: [...sent.tokens][0], e: 'f0a1b2c3d4e5f6a7b8c9' });
    expect(hitsIn(planted, 'mongo', 'planted').map((h) => h.kind).sort()).toEqual(['id-number', 'mobile', 'name', 'token']);
  });

  it('when every database, topic and service log is read, then personal data appears only where a contract forces it', async () => {
    const [mongo, kafka, logs] = [await scanMongo(), await scanKafka(), await scanLogs()];
    const all = [...mongo.hits, ...kafka.hits, ...logs.hits];
    const allowed = all.filter((h) => ALLOWED.some((a) => a.kind === h.kind && a.place.test(`${h.store}:${h.place}`)));
    const refused = all.filter((h) => !allowed.includes(h));
    const byKind = (hits: Hit[]) => Object.fromEntries((['name', 'id-number', 'mobile', 'token'] as const).map((k) => [k, hits.filter((h) => h.kind === k).length]));
    process.stdout.write(
      [
        '[personal-data-scan] read:',
        `  MongoDB: ${mongo.documents} documents; Kafka: ${kafka.records} records in ${kafka.topics} topics; logs: ${logs.lines} lines in ${logs.files} files`,
        `  looked for: ${sent.names.size + FIXTURE_NAMES.length} names, ${sent.tokens.size} tokens, every valid ID number and mainland mobile`,
        `  hits: ${all.length} (allowed by a contract: ${allowed.length}; outside the allowed list: ${refused.length})`,
        `  outside the allowed list by kind: ${JSON.stringify(byKind(refused))}`,
        ...[...new Set(refused.map((h) => `    ${h.store}:${h.place} ${h.kind} ${mask(h.value)}`))].slice(0, 60),
        '',
      ].join('\n'),
    );
    // The scan saw the run: records and logs of every platform, documents in every service's database.
    expect(mongo.documents).toBeGreaterThan(0);
    expect(kafka.records).toBeGreaterThan(0);
    expect(logs.files).toBeGreaterThanOrEqual(SERVICES.length);
    expect(refused.map((h) => `${h.store}:${h.place} ${h.kind} ${mask(h.value)}`)).toEqual([]);
    // A redacted user's data is gone everywhere: no contract can allow a hit of it.
    expect(all.filter((h) => redacted.values.has(h.value)).map((h) => `${h.store}:${h.place} ${h.kind} ${mask(h.value)}`)).toEqual([]);
  });

  it('when the databases are read, then no document but the redaction record names a redacted subject', async () => {
    expect(redacted.redactionIds.length).toBeGreaterThan(0);
    const naming = await withMongo(async (client) => {
      const records = await client.db(platform.dbName('gateway')).collection('redactions').find({ _id: { $in: redacted.redactionIds as never[] } }).toArray();
      const subjects = records.map((r) => String(r.subjectId));
      expect(subjects).toHaveLength(redacted.redactionIds.length);
      const found: string[] = [];
      for (const service of SERVICES) {
        const db = client.db(platform.dbName(service as never));
        for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
          if (service === 'gateway' && name === 'redactions') continue;
          for await (const doc of db.collection(name).find({})) {
            const text = JSON.stringify(doc);
            if (subjects.some((s) => text.includes(s))) found.push(`${service}.${name}`);
          }
        }
      }
      return found;
    });
    expect(naming).toEqual([]);
  });
});
