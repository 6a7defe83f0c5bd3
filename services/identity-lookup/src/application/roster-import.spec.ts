import { checkCharacter } from '../domain/id-card';
import { MemoryRosterStore } from './memory-roster-store.fake';
import { RosterImportSession, SheetRow } from './ports';
import { ImportOptions, RejectedRow, RosterImport } from './roster-import';

const idNumber = (seq: number) => {
  const body = `41010220110901${String(seq).padStart(3, '0')}`;
  return body + checkCharacter(body);
};
const HEADER = ['学工号', '姓名', '身份证号', '角色', '部门'];
const person = (n: number, over: Partial<Record<'name' | 'dept', string>> = {}) => [`S${n}`, over.name ?? '刘小宝', idNumber(n), '1', over.dept ?? '2018级1班/学生'];

/** Rows as a reader yields them: numbered from 1 like file lines. */
async function* rowsOf(lines: string[][]): AsyncGenerator<SheetRow> {
  for (const [i, cells] of lines.entries()) yield { line: i + 1, cells };
}

let store: MemoryRosterStore;
let imports: RosterImport;
beforeEach(async () => {
  store = new MemoryRosterStore();
  imports = new RosterImport(store);
  await imports.defineSchool('p1', '1001', { customerName: '郑州枫杨外国语学校' });
});

async function run(lines: string[][], options: Partial<ImportOptions> = {}) {
  const rejected: RejectedRow[] = [];
  const summary = await imports.run('p1', '1001', rowsOf(lines), { batchSize: 100, ...options }, { onRejected: (r) => rejected.push(r) });
  return { summary, rejected };
}

describe('importing a roster', () => {
  it('when some rows are bad, then the good ones are written and each bad one is reported by line and header, without its values', async () => {
    const bad = ['S9', '刘小宝', `${idNumber(9).slice(0, 17)}0`, '9', ''];
    const { summary, rejected } = await run([HEADER, person(1), bad, person(2)]);
    expect(summary).toMatchObject({ rows: 3, accepted: 2, rejected: 1, inserted: 2 });
    expect(store.people.map((p) => p.outid)).toEqual(['S1', 'S2']);
    expect(rejected).toEqual([
      {
        line: 3,
        problems: [
          { column: '身份证号', reason: expect.any(String) },
          { column: '角色', reason: expect.any(String) },
        ],
      },
    ]);
    expect(JSON.stringify(rejected)).not.toContain(bad[2]);
  });

  it('when the same file is imported twice, then the second import changes nothing', async () => {
    const file = [HEADER, person(1), person(2), person(3)];
    await run(file);
    const before = JSON.stringify(store.people);
    const { summary } = await run(file);
    expect(summary).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    expect(JSON.stringify(store.people)).toBe(before);
  });

  it('when a re-imported row changed, then only that person is updated and keeps their member id', async () => {
    await run([HEADER, person(1), person(2)]);
    const memberId = store.people[1].memberId;
    const { summary } = await run([HEADER, person(1), person(2, { dept: '2018级2班/学生' })]);
    expect(summary).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    expect(store.people[1]).toMatchObject({ memberId, departments: [{ name: '2018级2班' }] });
  });

  it('when two rows share an outid or an ID number, then the later one is rejected, naming the earlier line', async () => {
    const sameOutid = [...person(1)];
    sameOutid[2] = idNumber(5);
    const sameNumber = [...person(1)];
    sameNumber[0] = 'S7';
    const { rejected } = await run([HEADER, person(1), sameOutid, sameNumber]);
    expect(rejected).toEqual([
      { line: 3, problems: [{ column: '学工号', reason: 'repeats the outid of line 2' }] },
      { line: 4, problems: [{ column: '身份证号', reason: 'repeats the ID number of line 2' }] },
    ]);
  });

  it('when blank rows come before the header and between rows, then they are skipped and lines still count them', async () => {
    const { summary, rejected } = await run([['', ''], HEADER, person(1), [' ', ''], ['S2', '', '', '1', '']]);
    expect(summary.rows).toBe(2);
    expect(rejected[0]).toMatchObject({ line: 5, problems: [{ column: '姓名', reason: 'is empty' }] });
  });

  it('when there are more rows than a batch holds, then they are written in batches of that size', async () => {
    const lines = [HEADER, ...Array.from({ length: 25 }, (_, i) => person(i + 1))];
    await run(lines, { batchSize: 10 });
    expect(store.batches).toEqual([10, 10, 5]);
  });

  it('when the header lacks a required column, then the import fails naming the line', async () => {
    await expect(run([['', ''], ['学工号', '姓名'], ['S1', '刘小宝']])).rejects.toMatchObject({
      code: 'KYC.ROSTER.BAD_HEADER',
      message: expect.stringMatching(/^line 2: .*角色 \(role\)/),
    });
  });

  it('when the school does not exist, then nothing is read and the operator is told to create it', async () => {
    await expect(imports.run('p1', '2002', rowsOf([HEADER]), { batchSize: 10 })).rejects.toMatchObject({ code: 'KYC.ROSTER.NO_SUCH_SCHOOL' });
  });

  it('when asked to remove missing people, then people the file no longer lists are removed, unless rows were rejected or none is listed', async () => {
    await run([HEADER, person(1), person(2), person(3)]);
    const withBadRow = await run([HEADER, person(1), ['S2', '刘小宝', '', '7', '']], { removeMissing: true });
    expect(withBadRow.summary).toMatchObject({ removed: 0, removalSkipped: true });
    expect(store.people).toHaveLength(3);

    const empty = await run([HEADER], { removeMissing: true });
    expect(empty.summary).toMatchObject({ removed: 0, removalSkipped: true });

    const clean = await run([HEADER, person(1)], { removeMissing: true });
    expect(clean.summary).toMatchObject({ removed: 2, removalSkipped: false });
    expect(store.people.map((p) => p.outid)).toEqual(['S1']);
  });

  it('when it is a dry run, then rows are checked and nothing is written', async () => {
    const { summary } = await run([HEADER, person(1), person(2)], { dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, accepted: 2, inserted: 0 });
    expect(store.people).toHaveLength(0);
  });

  it('when writing a batch fails, then the import fails with that error', async () => {
    const failing: RosterImportSession = { apply: () => Promise.reject(new Error('disk full')), removeMissing: async () => 0 };
    store.openImport = async () => failing;
    await expect(run([HEADER, ...Array.from({ length: 5 }, (_, i) => person(i + 1))], { batchSize: 2 })).rejects.toThrow('disk full');
  });
});

describe('defining a school', () => {
  it('when a school is new and no name is given, then it is refused', async () => {
    await expect(imports.defineSchool('p1', '3003', { ecardSchool: true })).rejects.toMatchObject({ code: 'KYC.ROSTER.INVALID_SCHOOL' });
  });

  it('when an existing school is changed, then what was not given is kept', async () => {
    await imports.defineSchool('p1', '1001', { ecardSchool: true, dpcode: '10010000' });
    expect(await store.findSchool('p1', '1001')).toEqual({ partnerId: 'p1', customerCode: '1001', customerName: '郑州枫杨外国语学校', ecardSchool: true, dpcode: '10010000' });
  });
});
