import { checkCharacter } from './id-card';
import { IMPRECISE_NUMBER, RawCell, validateRosterRow } from './roster-row';
import { RosterField } from './roster-columns';

const idNumber = (body: string) => body + checkCharacter(body);
const CHILD_ID = idNumber('41010220110901051');
const FATHER_ID = idNumber('41010219850412031');

const row = (over: Partial<Record<RosterField, RawCell>> = {}) =>
  validateRosterRow({ outid: '150941', name: '刘小宝', identityNo: CHILD_ID, role: '1', ...over });

const problemsOf = (over: Partial<Record<RosterField, RawCell>>) => {
  const verdict = row(over);
  if (verdict.ok) throw new Error('the row was accepted');
  return verdict.problems;
};

describe('validating a roster row', () => {
  it('when every cell is valid, then the person carries normalized values and the parsed lists', () => {
    const verdict = row({
      identityNo: ` ${CHILD_ID.toLowerCase()} `,
      mobile: '138 0013 8000',
      departments: '2018级1班/学生; 合唱团/声部长/主管',
      relatives: `f/刘大宝/${FATHER_ID}/13900139000；M/王丽`,
      ecardCustomerId: 'E150941',
    });
    expect(verdict).toEqual({
      ok: true,
      person: {
        outid: '150941',
        name: '刘小宝',
        idNumber: CHILD_ID,
        role: 1,
        mobile: '+8613800138000',
        ecardCustomerId: 'E150941',
        departments: [
          { name: '2018级1班', position: '学生', supervisor: false },
          { name: '合唱团', position: '声部长', supervisor: true },
        ],
        relatives: [
          { relation: 'F', name: '刘大宝', idNumber: FATHER_ID, mobile: '+8613900139000' },
          { relation: 'M', name: '王丽', idNumber: '', mobile: '' },
        ],
      },
    });
  });

  it('when the optional columns are absent, then the person has empty values for them', () => {
    const verdict = validateRosterRow({ outid: 'T-01', name: 'John Smith', role: '教师' });
    expect(verdict).toMatchObject({ ok: true, person: { idNumber: '', mobile: '', role: 2, departments: [], relatives: [] } });
  });

  it.each([
    ['学生', 1],
    ['Teacher', 2],
    ['后勤人员', 4],
    ['临时', 5],
    ['５', 5],
  ])('when the role is written %p, then it is role %p', (word, role) => {
    expect(row({ role: word })).toMatchObject({ ok: true, person: { role } });
  });

  it('when several cells are wrong, then each is reported by field, and no reason repeats a value', () => {
    const bad = { outid: '15 0941', name: '刘小宝3', identityNo: CHILD_ID.slice(0, 17) + (CHILD_ID[17] === '1' ? '2' : '1'), role: '3', mobile: '12345678901' };
    const problems = problemsOf(bad);
    expect(problems.map((p) => p.field).sort()).toEqual(['identityNo', 'mobile', 'name', 'outid', 'role']);
    expect(problems.find((p) => p.field === 'identityNo')?.reason).toMatch(/check character/);
    expect(problems.find((p) => p.field === 'role')?.reason).toMatch(/parent/);
    for (const value of [bad.outid, bad.name, bad.identityNo, bad.mobile]) for (const p of problems) expect(p.reason).not.toContain(value);
  });

  it('when a required cell is empty, then it is reported as empty', () => {
    expect(problemsOf({ name: '  ' })).toEqual([{ field: 'name', reason: 'is empty' }]);
  });

  it('when a fixed-line number is given as mobile, then it is refused though its length is right', () => {
    expect(problemsOf({ mobile: '010-12345678' })).toEqual([{ field: 'mobile', reason: 'mobile is not a mobile number' }]);
  });

  it('when a spreadsheet kept an ID number as a number, then the column is named and told to be text', () => {
    expect(problemsOf({ identityNo: IMPRECISE_NUMBER })).toEqual([{ field: 'identityNo', reason: expect.stringMatching(/format the column as text/) }]);
  });

  it.each([
    ['an unknown relation code', 'X/刘大宝', /relation must be one of/],
    ['no name', 'F', /relation\/name/],
    ['a bad ID number', 'F/刘大宝/110101199003071234', /relative 1: ID number/],
    ['a bad mobile', 'M/王丽//12345', /relative 1: mobile/],
  ])('when a relative has %s, then the relatives column is refused, naming the entry', (_what, cell, reason) => {
    expect(problemsOf({ relatives: cell })).toEqual([{ field: 'relatives', reason: expect.stringMatching(reason) }]);
  });

  it.each([
    ['an unknown supervisor flag', '2018级1班/班长/maybe', /supervisor flag/],
    ['too many parts', '2018级1班/班长/主管/extra', /more than three parts/],
    ['the same department twice', '2018级1班; 2018级1班/班长', /repeats/],
  ])('when a department has %s, then the departments column is refused', (_what, cell, reason) => {
    expect(problemsOf({ departments: cell })).toEqual([{ field: 'departments', reason: expect.stringMatching(reason) }]);
  });
});
