/**
 * Roster import rate: generates a campus roster of BENCH_ROSTER_PEOPLE people (100,000 by
 * default; students with two relatives each, teachers with several departments, staff) as CSV and
 * as XLSX, and imports each with the operator CLI (`kyc roster import`) exactly as an operator
 * would, against the MongoDB-wire server. Then imports the CSV again, which must change nothing.
 *
 *   npm run bench:roster -w @kyc/integration-tests
 *
 * Prints, per import, the rows and the wall time of the whole command (start-up included) and
 * rows per second, with the command's own summary (new, updated, unchanged, rejected). The target
 * is a 100,000-person roster in under 2 minutes. Settings: BENCH_ROSTER_PEOPLE (100000),
 * BENCH_ROSTER_FORMATS (csv,xlsx), ROSTER_IMPORT_BATCH_SIZE (the CLI's, 1000).
 *
 * Uses running dev services when KYC_TEST_MONGO_URL is set, otherwise starts them (and stops them
 * at the end). The bench database is dropped afterwards. Prints figures; asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { MongoClient } from 'mongodb';
import { startDevServices } from '@kyc/dev-services';
import { idNumber } from '../support/identities';
import { RosterCliRun, runRosterCli } from '../support/roster-cli';

const PEOPLE = Number(process.env.BENCH_ROSTER_PEOPLE ?? 100_000);
const FORMATS = (process.env.BENCH_ROSTER_FORMATS ?? 'csv,xlsx').split(',').map((f) => f.trim()).filter(Boolean);
const TARGET_S = 120;

const HEADER = ['学工号 (outid)', '姓名 (name)', '身份证号 (identityNo)', '角色 (role)', '手机号 (mobile)', '部门 (departments)', '亲属 (relatives)'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂';

const log = (line: string) => process.stdout.write(`${line}\n`);
const day = (base: string, offset: number) => {
  const d = new Date(`${base}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10).replace(/-/g, '');
};
const nameOf = (i: number) => SURNAMES[i % SURNAMES.length] + GIVEN[Math.floor(i / 20) % GIVEN.length] + GIVEN[Math.floor(i / 400) % GIVEN.length];
const mobileOf = (i: number) => `139${String(i).padStart(8, '0')}`;

/** Person i of the roster: nine in ten students (two relatives each), then teachers and staff. */
function rowOf(i: number): string[] {
  // Unique, valid ID numbers: a birth date per i modulo ~8 years of days, a sequence per lap.
  const own = idNumber('410102', day('2005-01-01', i % 2900), Math.floor(i / 2900) * 2 + 1);
  const grade = 2015 + (i % 6);
  const klass = `${grade}级${(Math.floor(i / 6) % 12) + 1}班`;
  if (i % 10 < 9) {
    const father = idNumber('410103', day('1970-01-01', i % 5000), (Math.floor(i / 5000) * 2 + 1) % 1000);
    const relatives = `F/${nameOf(i + 7)}/${father}/${mobileOf(i)}; M/${nameOf(i + 13)}`;
    return [`S${String(i).padStart(7, '0')}`, nameOf(i), own, '1', '', `${klass}/学生`, relatives];
  }
  const teacher = i % 10 === 9 && i % 20 !== 19;
  return teacher
    ? [`T${String(i).padStart(7, '0')}`, nameOf(i), own, '2', mobileOf(i), `${klass}/语文老师/主管; 语文教研组/教师`, '']
    : [`W${String(i).padStart(7, '0')}`, nameOf(i), own, '4', mobileOf(i), '后勤处/职员', ''];
}

const csvCell = (v: string) => (/[",\n;]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

async function writeCsv(file: string): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = async (cells: string[]) => {
    if (!out.write(`${cells.map(csvCell).join(',')}\n`)) await once(out, 'drain');
  };
  await write(HEADER);
  for (let i = 0; i < PEOPLE; i++) await write(rowOf(i));
  out.end();
  await once(out, 'finish');
}

async function writeXlsx(file: string): Promise<void> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: false, useSharedStrings: false });
  const sheet = book.addWorksheet('名单');
  sheet.addRow(HEADER).commit();
  for (let i = 0; i < PEOPLE; i++) sheet.addRow(rowOf(i)).commit();
  sheet.commit();
  await book.commit();
}

/** One import with kyc roster import; fails the bench on anything but success or rejected rows. */
async function kycRoster(env: Record<string, string>, args: string[]): Promise<RosterCliRun> {
  const run = await runRosterCli(env, args);
  if (run.code !== 0 && run.code !== 4) throw new Error(`kyc roster ${args[0]} failed: ${run.stderr.trim()}`);
  return run;
}

const mib = (file: string) => (fs.statSync(file).size / 1024 / 1024).toFixed(1);

async function main(): Promise<void> {
  const given = process.env.KYC_TEST_MONGO_URL;
  if (!given) log('starting dev services (Kafka, MongoDB-wire server) ...');
  const infra: { mongoUrl: string; stop(): Promise<unknown> } = given
    ? { mongoUrl: given, stop: async () => undefined }
    : await startDevServices({ log: (l) => process.stderr.write(`[dev-services] ${l}\n`) });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyc-roster-bench-'));
  const dbName = `bench_roster_${Date.now().toString(36)}`;
  const env = { MONGO_URL: infra.mongoUrl, MONGO_DB: dbName, KYC_MASTER_KEY: randomBytes(32).toString('hex') };
  try {
    const files: Record<string, string> = {};
    for (const format of FORMATS) {
      const t0 = Date.now();
      files[format] = path.join(dir, `roster.${format}`);
      await (format === 'xlsx' ? writeXlsx(files[format]) : writeCsv(files[format]));
      log(`generated ${PEOPLE} people as ${format.toUpperCase()} (${mib(files[format])} MiB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    const report = (label: string, run: RosterCliRun) => {
      const s = run.summary ?? {};
      const rows = Number(s.rows ?? 0);
      log(
        `  ${label.padEnd(22)} ${rows} rows in ${run.seconds.toFixed(1)} s = ${Math.round(rows / run.seconds)} rows/s ` +
          `(${s.inserted} new, ${s.updated} updated, ${s.unchanged} unchanged, ${s.rejected} rejected)` +
          (run.seconds > TARGET_S && rows >= 100_000 ? `  ABOVE the ${TARGET_S} s target` : ''),
      );
    };
    log(`roster import (kyc roster import, wall time of the whole command; target: 100,000 people in under ${TARGET_S} s)`);
    for (const [n, format] of FORMATS.entries()) {
      const school = ['--partner', 'bench-partner', '--customer-code', `B${n + 1}`];
      const first = await kycRoster(env, ['import', ...school, '--name', `bench school ${n + 1}`, '--file', files[format]]);
      report(`${format.toUpperCase()} first import`, first);
      if (n === 0) report(`${format.toUpperCase()} re-import`, await kycRoster(env, ['import', ...school, '--file', files[format]]));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    const client = new MongoClient(infra.mongoUrl, { serverSelectionTimeoutMS: 10_000 });
    await client
      .connect()
      .then(() => client.db(dbName).dropDatabase())
      .catch(() => undefined)
      .finally(() => client.close());
    await infra.stop();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`roster bench failed: ${err.message}\n`);
  process.exit(1);
});
