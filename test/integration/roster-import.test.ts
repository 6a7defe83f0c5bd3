/**
 * Campus rosters (seed 003) end to end: an operator imports schools' rosters from CSV and XLSX
 * files with bad rows using kyc roster import, re-imports them, and realname-pattern matches people
 * against them over gRPC (RosterService on the real identity-lookup process), as the IMPORT,
 * IMPORT-ECARD and RELATION patterns do.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ServiceError, status } from '@grpc/grpc-js';
import ExcelJS from 'exceljs';
import { roster } from '@kyc/contracts';
import { Platform } from '@kyc/dev-platform';
import { ERROR_CODE_KEY } from '@kyc/grpc-kit';
import { bootPlatform, infra, withMongo } from '../support/fixtures';
import { idNumber, withWrongCheckDigit } from '../support/identities';
import { runRosterCli } from '../support/roster-cli';
import { clientAs } from '../support/unary-calls';

const FATHER = idNumber('410102', '19850412', 31);
const CHILD = idNumber('410102', '20110901', 51);
const ZHANG = idNumber('410102', '20120315', 73);
const WANG = idNumber('410102', '19900720', 91);
const ZHAO = idNumber('410105', '19820817', 63);
const SAN = idNumber('410105', '20100611', 22);
const QIAN = idNumber('410105', '20100612', 24);

const { MatchResult } = roster;

let platform: Platform;
let dir: string;
let env: Record<string, string>;
const clients: roster.RosterServiceClient[] = [];

beforeAll(async () => {
  platform = await bootPlatform('rosters');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyc-roster-test-'));
  env = { MONGO_URL: infra().mongoUrl, MONGO_DB: platform.dbName('identity-lookup'), KYC_MASTER_KEY: platform.masterKey };
});
afterAll(async () => {
  for (const c of clients) c.close();
  await platform?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const csv = (name: string, lines: string[]) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `\ufeff${lines.join('\r\n')}\r\n`);
  return file;
};

const CSV_HEADER = '学工号 (outid),姓名 (name),身份证号 (identityNo),角色 (role),手机号 (mobile),部门 (departments),亲属 (relatives),备注';
const rosterCsv = (over: Record<number, string> = {}) => {
  const lines = [
    CSV_HEADER,
    `150940,刘大宝,${FATHER},2,13800138000,2018级1班/语文老师/主管; 语文教研组/教师,,班主任`,
    `150941,刘小宝,${CHILD},1,,2018级1班/学生,"F/刘大宝/${FATHER};\r\nM/王丽//13900139000",`,
    `150942,张三,${withWrongCheckDigit(ZHANG)},1,,2018级2班/学生,,`,
    `150943,李四,,3,,,,`,
    `150944,王五,${WANG},5,12345678901,,,`,
    `150941,刘小宝,${ZHANG},1,,,,`,
    `150945,赵小六,,4,13600136000,后勤处/保安,,`,
  ];
  for (const [i, line] of Object.entries(over)) lines[Number(i)] = line;
  return lines;
};

async function xlsx(name: string, rows: unknown[][]): Promise<string> {
  const file = path.join(dir, name);
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('名单');
  for (const row of rows) sheet.addRow(row);
  await book.xlsx.writeFile(file);
  return file;
}

const XLSX_ROWS = [
  ['outid', 'name', 'identityNo', 'role', 'departments', 'relatives', 'ecardCustomerId'],
  ['350002', '三五二', SAN, 1, '2016级3班/学生', `F/赵六/${ZHAO}`, 'E350002'],
  // As Excel keeps an ID number typed into a cell not formatted as text: digits lost.
  ['350003', '钱七', Number(QIAN), 1, '2016级3班/学生', '', ''],
  [350101, '赵六', ZHAO, '教师', '2016级3班/班主任/主管', '', 'E350101'],
  ['350004', 'X', '', 1, '', '', ''],
];

const school1001 = ['--partner', 'campus-1', '--customer-code', '1001'];
const school1002 = ['--partner', 'campus-1', '--customer-code', '1002'];

/** RosterService as one platform service sees it (its certificate). */
function as(caller: 'realname-pattern' | 'gateway') {
  const { client, call } = clientAs(platform, roster.RosterServiceClient, 'identity-lookup', caller);
  clients.push(client);
  return {
    school: call<roster.GetSchoolRequest, roster.GetSchoolResponse>(client.getSchool),
    matchImport: call<roster.MatchImportRequest, roster.MatchImportResponse>(client.matchImport),
    matchWhitelist: call<roster.MatchWhitelistRequest, roster.MatchWhitelistResponse>(client.matchWhitelist),
    matchRelative: call<roster.MatchRelativeRequest, roster.MatchRelativeResponse>(client.matchRelative),
  };
}

const importQuery = (over: Partial<roster.MatchImportRequest> = {}): roster.MatchImportRequest => ({
  partnerId: 'campus-1',
  customerCode: '1001',
  outid: '150940',
  name: '刘大宝',
  idNumber: FATHER,
  role: 0,
  ...over,
});
const relativeQuery = (over: Partial<roster.MatchRelativeRequest> = {}): roster.MatchRelativeRequest => ({
  partnerId: 'campus-1',
  customerCode: '1002',
  outid: '350002',
  childName: '三五二',
  relation: 'F',
  guardianName: '赵六',
  guardianIdNumber: '',
  checkListedRelative: true,
  ...over,
});

const rosterDocs = () =>
  withMongo((client) => client.db(platform.dbName('identity-lookup')).collection('roster_people').find({}).sort({ _id: 1 }).toArray());

describe('importing rosters with kyc roster import', () => {
  it('when a CSV has bad rows, then the good rows are imported and each bad one is reported by line and column, without its values', async () => {
    const run = await runRosterCli(env, ['import', ...school1001, '--name', '郑州枫杨外国语学校', '--dpcode', '00000000', '--file', csv('roster.csv', rosterCsv())]);
    expect(run.code).toBe(4);
    expect(run.summary).toMatchObject({ customerCode: '1001', format: 'csv', rows: 7, accepted: 3, rejected: 4, inserted: 3, updated: 0, unchanged: 0 });
    // Line 3's relatives cell spans two lines, so the rows after it are one line further down.
    expect(run.rejected).toEqual([
      { line: 5, problems: [{ column: '身份证号 (identityNo)', reason: 'ID number check character does not match' }] },
      { line: 6, problems: [{ column: '角色 (role)', reason: expect.stringMatching(/parent/) }] },
      { line: 7, problems: [{ column: '手机号 (mobile)', reason: 'mobile is not an allocated number' }] },
      { line: 8, problems: [{ column: '学工号 (outid)', reason: 'repeats the outid of line 3' }] },
    ]);
    for (const secret of ['张三', '李四', '王五', ZHANG, withWrongCheckDigit(ZHANG), WANG, '12345678901', '150942']) expect(run.stdout).not.toContain(secret);
    expect(run.stderr).toContain('ignoring columns that name no roster field: 备注');
  });

  it('when an XLSX has bad rows, then they are reported by sheet row, a number that lost digits by its column', async () => {
    const file = await xlsx('roster.xlsx', XLSX_ROWS);
    const run = await runRosterCli(env, ['import', ...school1002, '--name', '第二实验小学', '--ecard-school', 'true', '--dpcode', '10020000', '--file', file]);
    expect(run.code).toBe(4);
    expect(run.summary).toMatchObject({ format: 'xlsx', rows: 4, inserted: 2, rejected: 2 });
    expect(run.rejected).toEqual([
      { line: 3, problems: [{ column: 'identityNo', reason: expect.stringMatching(/lost digits/) }] },
      { line: 5, problems: [{ column: 'name', reason: expect.stringMatching(/^name must be/) }] },
    ]);
  });

  it('when the roster is stored, then no name, ID number, mobile or outid is in clear in the database', async () => {
    const docs = await rosterDocs();
    expect(docs).toHaveLength(5);
    const stored = JSON.stringify(docs);
    for (const secret of ['刘大宝', '刘小宝', '王丽', '三五二', '赵六', FATHER, CHILD, SAN, ZHAO, '13800138000', '+8613800138000', '13900139000', '150940', '350002', 'E350002']) {
      expect(stored).not.toContain(secret);
    }
  });

  it('when the same files are imported again, then nothing changes', async () => {
    const before = await rosterDocs();
    const again = await runRosterCli(env, ['import', ...school1001, '--file', path.join(dir, 'roster.csv')]);
    expect(again.summary).toMatchObject({ inserted: 0, updated: 0, unchanged: 3, rejected: 4 });
    const xlsxAgain = await runRosterCli(env, ['import', ...school1002, '--file', path.join(dir, 'roster.xlsx')]);
    expect(xlsxAgain.summary).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    expect(await rosterDocs()).toEqual(before);
  });

  it('when a corrected file is imported, then fixed rows are added and changed people updated under the same member id', async () => {
    const before = await as('realname-pattern').matchRelative(relativeQuery({ customerCode: '1001', outid: '150941', childName: '刘小宝', guardianName: '刘大宝' }));
    const corrected = rosterCsv({
      2: `150941,刘小宝,${CHILD},1,,2019级1班/学生,"F/刘大宝/${FATHER}",`,
      3: `150942,张三,${ZHANG},1,,2018级2班/学生,,`,
      4: '',
      5: '',
      6: '',
    });
    const run = await runRosterCli(env, ['import', ...school1001, '--file', csv('corrected.csv', corrected)]);
    expect(run).toMatchObject({ code: 0, rejected: [], summary: { inserted: 1, updated: 1, unchanged: 2 } });
    const after = await as('realname-pattern').matchRelative(relativeQuery({ customerCode: '1001', outid: '150941', childName: '刘小宝', guardianName: '刘大宝' }));
    expect(after.child?.memberId).toBe(before.child?.memberId);
    expect(after.child?.departments.map((d) => d.deptName)).toEqual(['2019级1班']);
  });
});

describe('matching against rosters over gRPC', () => {
  it('when IMPORT matches, then the member comes with school, departments and the children who list them, but no ID number or mobile', async () => {
    const answer = await as('realname-pattern').matchImport(importQuery({ role: 2 }));
    expect(answer.result).toBe(MatchResult.MATCH_RESULT_MATCHED);
    expect(answer.member).toMatchObject({
      outid: '150940',
      name: '刘大宝',
      role: 2,
      school: { customerCode: '1001', customerName: '郑州枫杨外国语学校', ecardSchool: false, dpcode: '00000000' },
      departments: [
        { deptId: expect.any(Number), deptName: '2018级1班', position: '语文老师', supervisor: true },
        { deptId: expect.any(Number), deptName: '语文教研组', position: '教师', supervisor: false },
      ],
    });
    expect(answer.relatives).toEqual([{ relation: 'F', member: expect.objectContaining({ outid: '150941', name: '刘小宝', role: 1 }) }]);
    expect(JSON.stringify(answer)).not.toContain('13800138000');
  });

  it.each([
    ['a school the partner does not have', { customerCode: '9999' }, MatchResult.MATCH_RESULT_NO_SUCH_SCHOOL],
    ['an outid not on the roster', { outid: '999999' }, MatchResult.MATCH_RESULT_NOT_ON_ROSTER],
    ['another name', { name: '刘二宝' }, MatchResult.MATCH_RESULT_NAME_MISMATCH],
    ['another ID number', { idNumber: WANG }, MatchResult.MATCH_RESULT_ID_MISMATCH],
    ['another role', { role: 1 }, MatchResult.MATCH_RESULT_ROLE_MISMATCH],
    ['a person the roster has no ID number for', { outid: '150945', name: '赵小六' }, MatchResult.MATCH_RESULT_ID_NOT_ON_ROSTER],
    ['another partner', { partnerId: 'campus-2', customerCode: '' }, MatchResult.MATCH_RESULT_NOT_ON_ROSTER],
  ])('when IMPORT claims %s, then the result says so and carries no member', async (_what, over, result) => {
    const answer = await as('realname-pattern').matchImport(importQuery(over));
    expect(answer).toEqual({ result, member: undefined, relatives: [] });
  });

  it('when IMPORT names no school, then the person is found among the partner\'s schools', async () => {
    expect((await as('realname-pattern').matchImport(importQuery({ customerCode: '' }))).member?.school?.customerCode).toBe('1001');
  });

  it('when the whitelist matches at an e-card school, then the answer carries the roster\'s ID number and the school\'s e-card details', async () => {
    const answer = await as('realname-pattern').matchWhitelist({ partnerId: 'campus-1', customerCode: '1002', outid: '350002', name: '三五二', role: 1 });
    expect(answer).toMatchObject({
      result: MatchResult.MATCH_RESULT_MATCHED,
      idNumber: SAN,
      member: { ecardCustomerId: 'E350002', school: { ecardSchool: true, dpcode: '10020000' } },
    });
    expect((await as('realname-pattern').matchWhitelist({ partnerId: 'campus-1', customerCode: '1002', outid: '350002', name: '赵六', role: 0 })).result).toBe(
      MatchResult.MATCH_RESULT_NAME_MISMATCH,
    );
  });

  it('when a guardian names a child by roster (type 2), then the listed relation decides', async () => {
    const rp = as('realname-pattern');
    const matched = await rp.matchRelative(relativeQuery({ guardianIdNumber: ZHAO }));
    expect(matched).toMatchObject({ result: MatchResult.MATCH_RESULT_MATCHED, child: { outid: '350002', name: '三五二', departments: [{ deptName: '2016级3班' }] } });
    expect((await rp.matchRelative(relativeQuery({ relation: 'M' }))).result).toBe(MatchResult.MATCH_RESULT_RELATION_MISMATCH);
    expect((await rp.matchRelative(relativeQuery({ guardianName: '钱七' }))).result).toBe(MatchResult.MATCH_RESULT_RELATIVE_NOT_LISTED);
    expect((await rp.matchRelative(relativeQuery({ guardianName: '钱七', checkListedRelative: false }))).result).toBe(MatchResult.MATCH_RESULT_MATCHED);
  });

  it('when a query is malformed, then it is INVALID_ARGUMENT with a stable code', async () => {
    const err = await as('realname-pattern')
      .matchRelative(relativeQuery({ relation: 'UNCLE' }))
      .then(() => undefined, (e: ServiceError) => e);
    expect(err?.code).toBe(status.INVALID_ARGUMENT);
    expect(err?.metadata.get(ERROR_CODE_KEY)[0]).toBe('KYC.ROSTER.INVALID_RELATION');
  });

  it('when the gateway asks, then it is refused: only realname-pattern matches rosters', async () => {
    const err = await as('gateway')
      .school({ partnerId: 'campus-1', customerCode: '1001' })
      .then(() => undefined, (e: ServiceError) => e);
    expect(err?.code).toBe(status.PERMISSION_DENIED);
    expect(err?.metadata.get(ERROR_CODE_KEY)[0]).toBe('KYC.GRPC.CALLER_NOT_ALLOWED');
    expect(await as('realname-pattern').school({ partnerId: 'campus-1', customerCode: '1001' })).toMatchObject({ found: true, school: { customerName: '郑州枫杨外国语学校' } });
  });
});

describe('removing people a roster no longer lists', () => {
  it('when a file without some people is imported with --remove-missing, then they are no longer on the roster', async () => {
    const run = await runRosterCli(env, ['import', ...school1001, '--remove-missing', '--file', csv('shorter.csv', [CSV_HEADER, rosterCsv()[1]])]);
    expect(run).toMatchObject({ code: 0, summary: { unchanged: 1, removed: 3 } });
    const rp = as('realname-pattern');
    expect((await rp.matchImport(importQuery())).result).toBe(MatchResult.MATCH_RESULT_MATCHED);
    expect((await rp.matchImport(importQuery({ outid: '150942', name: '张三', idNumber: ZHANG }))).result).toBe(MatchResult.MATCH_RESULT_NOT_ON_ROSTER);
  });
});
