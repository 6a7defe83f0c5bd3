/**
 * The operator command `kyc`, as operators run it: the built binary (packages/operator-cli) in its
 * own process, with the environment of the service that owns the data, against the real stack.
 * Partners are created and listed (table and JSON Lines), usage errors and unknown names end with
 * the documented exit statuses, a roster import draws its progress and imports, and callbacks the
 * notifier delivered are sent again, one by one and in bulk.
 */
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PartnerCredentials, Platform, runKyc } from '@kyc/dev-platform';
import { bootPlatform, eventually, infra } from '../support/fixtures';
import { idNumber } from '../support/identities';
import { startNotifyReceiver, submitMember } from '../support/member-client';

let platform: Platform;
let dir: string;
let rosterEnv: Record<string, string>;
let notifierEnv: Record<string, string>;
let gatewayEnv: Record<string, string>;

beforeAll(async () => {
  platform = await bootPlatform('operator-cli', { ID_AUTHORITY_MODE: 'sandbox', CALLBACK_POLL_INTERVAL_MS: '200' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyc-operator-cli-test-'));
  gatewayEnv = platform.gatewayEnv;
  rosterEnv = { MONGO_URL: infra().mongoUrl, MONGO_DB: platform.dbName('identity-lookup'), KYC_MASTER_KEY: platform.masterKey };
  notifierEnv = { ...platform.services.notifier.env, LOG_LEVEL: 'warn' };
});
afterAll(async () => {
  await platform?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const jsonLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>);

/** Runs kyc and fails with its stderr unless it exits with `code`. */
async function kyc(env: Record<string, string>, args: string[], code = 0) {
  const run = await runKyc(env, args);
  if (run.code !== code) throw new Error(`kyc ${args.join(' ')} exited ${run.code}, expected ${code}: ${run.stderr}`);
  return run;
}

describe('kyc partner', () => {
  it('when an operator creates a partner, then it is listed as a table and as JSON Lines, without its secrets', async () => {
    const created = jsonLines((await kyc(gatewayEnv, ['partner', 'create', '--name', 'Operator Campus', '--features', 'user-validate,campus-auth', '--json'])).stdout);
    expect(created).toHaveLength(1);
    const partner = created[0] as PartnerCredentials & { webhook_secret: string; features: string[] };
    expect(partner.app_id).toMatch(/^\d{16}$/);
    expect(partner.features).toEqual(['user-validate', 'campus-auth']);

    const table = (await kyc(gatewayEnv, ['partner', 'list'])).stdout;
    const header = table.split('\n').find((l) => l.includes('app_id'))!;
    expect(header).toMatch(/app_id\s*│\s*name\s*│\s*features\s*│\s*callback_url\s*│\s*active\s*│\s*created_at/);
    const row = table.split('\n').find((l) => l.includes(partner.app_id))!;
    expect(row).toMatch(/Operator Campus\s*│\s*user-validate,campus-auth\s*│\s*│\s*true\s*│\s*\d{4}-\d{2}-\d{2}T/);

    const listed = jsonLines((await kyc(gatewayEnv, ['--json', 'partner', 'list'])).stdout);
    expect(listed.find((p) => p.app_id === partner.app_id)).toEqual({
      app_id: partner.app_id,
      name: 'Operator Campus',
      features: ['user-validate', 'campus-auth'],
      callback_url: '',
      active: true,
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    for (const secret of [partner.app_secret, partner.webhook_secret]) {
      expect(table).not.toContain(secret);
      expect(JSON.stringify(listed)).not.toContain(secret);
    }
  });

  it('when the command line is wrong, then it exits 2 and says why; an unknown partner exits 3', async () => {
    const missing = await kyc(gatewayEnv, ['partner', 'create'], 2);
    expect(missing.stderr).toContain("required option '--name <name>' not specified");
    expect(missing.stdout).toBe('');
    expect((await kyc(gatewayEnv, ['partner', 'frobnicate'], 2)).stderr).toContain("unknown command 'frobnicate'");
    expect((await kyc(gatewayEnv, ['partner', 'create', '--name', 'x', '--features', 'time-travel'], 2)).stderr).toContain('unknown feature(s): time-travel');
    expect((await kyc(gatewayEnv, ['partner', 'rotate-secret', '--app-id', '1999010100000000'], 3)).stderr).toContain('no partner with app_id 1999010100000000');
  });
});

describe('kyc company', () => {
  it('when an operator registers a company\'s public key, then its fingerprint is printed and listed, with a note when the partner lacks idcard-check', async () => {
    const partner = JSON.parse((await kyc(gatewayEnv, ['--json', 'partner', 'create', '--name', 'Operator Company', '--features', 'user-validate'])).stdout) as PartnerCredentials;
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const file = path.join(dir, 'company.pub.pem');
    fs.writeFileSync(file, publicKey.export({ type: 'spki', format: 'pem' }));
    const run = await kyc(gatewayEnv, ['--json', 'company', 'register-key', '--company-id', partner.app_id, '--public-key-file', file]);
    const registered = JSON.parse(run.stdout) as { company_id: string; fingerprint: string; idcard_check: boolean };
    expect(registered).toEqual({ company_id: partner.app_id, fingerprint: expect.stringMatching(/\S{16,}/), idcard_check: false });
    expect(run.stderr).toContain(`partner ${partner.app_id} lacks feature idcard-check`);
    expect((await kyc(gatewayEnv, ['company', 'list'])).stdout).toMatch(new RegExp(`${partner.app_id}\\s*│\\s*${registered.fingerprint.replace(/[^\w]/g, '.')}`));

    fs.writeFileSync(file, 'not a key');
    expect((await kyc(gatewayEnv, ['company', 'register-key', '--company-id', partner.app_id, '--public-key-file', file], 2)).stderr).toContain('invalid public key');
  });
});

describe('kyc roster import', () => {
  it('when a roster is imported with --progress, then the bar reaches 100%, the valid rows are imported and the rejected one is named (exit 4)', async () => {
    const people = 3000;
    const given = '伟芳娜敏静丽强磊军洋';
    const rows = ['学工号 (outid),姓名 (name),身份证号 (identityNo),角色 (role),手机号 (mobile),部门 (departments)'];
    for (let i = 0; i < people; i++) rows.push(`s${String(i).padStart(5, '0')},王${given[i % 10]}${given[Math.floor(i / 10) % 10]},,1,,2026级${(i % 9) + 1}班/学生`);
    rows.push('s99999,李四,,,,'); // no role: rejected
    const file = path.join(dir, 'roster.csv');
    fs.writeFileSync(file, `${rows.join('\n')}\n`);

    const run = await kyc(
      rosterEnv,
      ['--progress', 'roster', 'import', '--partner', 'campus-ops', '--customer-code', '3001', '--name', '运维测试学校', '--ecard-school', 'false', '--file', file],
      4,
    );
    expect(run.stderr).toMatch(new RegExp(`roster import \\[[█░]+\\] 100% \\| ${people + 1} rows \\| 1 rejected`));
    expect(run.stderr).toContain(`imported ${people + 1} rows of school 3001`);
    // The rejected row by line and column, never its values.
    expect(run.stdout).toMatch(new RegExp(`│ ${people + 2}\\s*│ 角色 \\(role\\)\\s*│ is empty`));
    expect(run.stdout).not.toContain('李四');

    const schools = jsonLines((await kyc(rosterEnv, ['roster', 'list', '--partner', 'campus-ops', '--json'])).stdout);
    expect(schools).toEqual([{ partnerId: 'campus-ops', customerCode: '3001', customerName: '运维测试学校', ecardSchool: false, dpcode: '', people }]);
  });
});

describe('kyc callbacks', () => {
  it('when an operator resends delivered callbacks, one by id and then all of the partner\'s in bulk, then the partner receives them again', async () => {
    const notify = await startNotifyReceiver();
    try {
      const partner = (await kyc(gatewayEnv, ['--json', 'partner', 'create', '--name', 'Operator Members', '--features', 'member-verify'])).stdout;
      const creds = JSON.parse(partner) as PartnerCredentials;
      const members = [
        { user: 'ops-member-1', id: idNumber('110101', '19900307', 123) },
        { user: 'ops-member-2', id: idNumber('110101', '19900308', 123) },
      ];
      for (const m of members) {
        const fields = { user_id: m.user, tx_seq_no: `tx-${m.user}`, notify_url: notify.url, member: { id: 1, name: '张三', identity_card_number: m.id } };
        expect((await submitMember(platform, creds, fields)).body.code).toBe(200);
      }
      await eventually(async () => (notify.received.length >= 2 ? true : undefined), 60_000);
      const delivered = await eventually(async () => {
        const listed = jsonLines((await kyc(notifierEnv, ['--json', 'callbacks', 'list', '--partner', creds.app_id, '--state', 'delivered'])).stdout);
        return listed.length === 2 ? listed : undefined;
      }, 30_000);
      const times = (tx: string) => notify.received.filter((r) => r.body.tx_seq_no === tx).length;

      const one = delivered[0];
      const resent = await kyc(notifierEnv, ['callbacks', 'resend', '--id', one.callbackId, '--operator', 'ops-test']);
      expect(resent.stdout).toContain(one.callbackId);
      expect(resent.stderr).toContain('queued 1 callback(s) for delivery');
      await eventually(async () => (notify.received.length >= 3 ? true : undefined), 30_000);
      // The named one only: one member is notified twice, the other still once.
      expect([times('tx-ops-member-1'), times('tx-ops-member-2')].sort()).toEqual([1, 2]);

      const bulk = await kyc(notifierEnv, ['--progress', 'callbacks', 'resend', '--partner', creds.app_id, '--state', 'delivered']);
      expect(bulk.stderr).toMatch(/resend \[[█░]+\] 2\/2 callbacks/);
      expect(bulk.stderr).toContain('queued 2 callback(s) for delivery');
      await eventually(async () => (notify.received.length >= 5 ? true : undefined), 30_000);
      expect(times('tx-ops-member-1')).toBeGreaterThanOrEqual(2);
      expect(times('tx-ops-member-2')).toBeGreaterThanOrEqual(2);

      expect((await kyc(notifierEnv, ['callbacks', 'resend', '--id', 'no-such-callback'], 3)).stderr).toContain('no callback no-such-callback');
    } finally {
      await notify.close();
    }
  });
});
