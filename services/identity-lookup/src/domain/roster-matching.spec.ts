import { Relative, RosterPerson } from './roster';
import { judgeImport, judgeRelative, judgeWhitelist, pickMatch } from './roster-matching';

const person = (over: Partial<RosterPerson> = {}): RosterPerson => ({
  outid: '150941',
  name: '阿依古丽·买买提',
  idNumber: '410102201109010516',
  role: 1,
  mobile: '',
  ecardCustomerId: '',
  departments: [],
  relatives: [],
  ...over,
});
const father: Relative = { relation: 'F', name: '刘大宝', idNumber: '410102198504120315', mobile: '' };

describe('judging a claim against one roster person', () => {
  it('when the name differs only in width, case or the dot of a transliterated name, then it still matches', () => {
    expect(judgeWhitelist(person(), { name: '阿依古丽•买买提' })).toBe('MATCHED');
    expect(judgeWhitelist(person({ name: 'JOHN SMITH' }), { name: 'John  Smith' })).toBe('MATCHED');
  });

  it.each([
    [{ name: '张三', idNumber: '410102201109010516' }, 'NAME_MISMATCH'],
    [{ name: '阿依古丽·买买提', idNumber: '410102201203150734' }, 'ID_MISMATCH'],
    [{ name: '阿依古丽·买买提', idNumber: '410102201109010516', role: 2 as const }, 'ROLE_MISMATCH'],
    [{ name: '阿依古丽·买买提', idNumber: '410102201109010516', role: 1 as const }, 'MATCHED'],
  ])('when IMPORT claims %p, then the answer is %s', (claim, result) => {
    expect(judgeImport(person(), claim)).toBe(result);
  });

  it('when the roster has no ID number for the person, then IMPORT cannot match but the whitelist can', () => {
    expect(judgeImport(person({ idNumber: '' }), { name: '阿依古丽·买买提', idNumber: '410102201109010516' })).toBe('ID_NOT_ON_ROSTER');
    expect(judgeWhitelist(person({ idNumber: '' }), { name: '阿依古丽·买买提' })).toBe('MATCHED');
  });

  const relativeClaim = { childName: '阿依古丽·买买提', relation: 'F' as const, guardianName: '刘大宝', guardianIdNumber: '', checkListedRelative: true };
  it.each([
    ['the guardian is not listed', [], relativeClaim, 'RELATIVE_NOT_LISTED'],
    ['the guardian is listed as mother', [{ ...father, relation: 'M' as const }], relativeClaim, 'RELATION_MISMATCH'],
    ['the guardian gives another ID number', [father], { ...relativeClaim, guardianIdNumber: '410102199007200917' }, 'ID_MISMATCH'],
    ['the listing has no ID number to compare', [{ ...father, idNumber: '' }], { ...relativeClaim, guardianIdNumber: '410102199007200917' }, 'MATCHED'],
    ['the roster is not asked (type 1)', [], { ...relativeClaim, checkListedRelative: false }, 'MATCHED'],
  ])('when %s, then RELATION answers accordingly', (_what, relatives, claim, result) => {
    expect(judgeRelative(person({ relatives }), claim)).toBe(result);
  });
});

describe('picking among candidates', () => {
  const claim = { name: '阿依古丽·买买提', idNumber: '410102201109010516' };
  it('when no one is a candidate, then NOT_ON_ROSTER', () => {
    expect(pickMatch([], (p: RosterPerson) => judgeImport(p, claim))).toEqual({ result: 'NOT_ON_ROSTER' });
  });
  it('when one of several matches, then that one', () => {
    const match = person();
    expect(pickMatch([person({ idNumber: '410102201203150734' }), match], (p) => judgeImport(p, claim))).toEqual({ result: 'MATCHED', match });
  });
  it('when two match, then AMBIGUOUS', () => {
    expect(pickMatch([person(), person()], (p) => judgeImport(p, claim)).result).toBe('AMBIGUOUS');
  });
  it('when none matches, then the failure of the candidate that came closest', () => {
    const candidates = [person({ name: '张三' }), person({ idNumber: '410102201203150734' })];
    expect(pickMatch(candidates, (p) => judgeImport(p, claim)).result).toBe('ID_MISMATCH');
  });
});
