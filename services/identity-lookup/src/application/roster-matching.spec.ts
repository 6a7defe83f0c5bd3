import { checkCharacter } from '../domain/id-card';
import { RosterPerson } from '../domain/roster';
import { MemoryRosterStore } from './memory-roster-store.fake';
import { RosterMatching } from './roster-matching';

const idNumber = (body: string) => body + checkCharacter(body);
const FATHER_ID = idNumber('41010219850412031');
const CHILD_ID = idNumber('41010220110901051');
const OTHER_ID = idNumber('41010220120315073');

const person = (over: Partial<RosterPerson>): RosterPerson => ({
  outid: '150941',
  name: '刘小宝',
  idNumber: CHILD_ID,
  role: 1,
  mobile: '+8613800138000',
  ecardCustomerId: '',
  departments: [{ name: '2018级1班', position: '学生', supervisor: false }],
  relatives: [],
  ...over,
});

let store: MemoryRosterStore;
let matching: RosterMatching;
beforeEach(async () => {
  store = new MemoryRosterStore();
  matching = new RosterMatching(store);
  await store.saveSchool({ partnerId: 'p1', customerCode: '1001', customerName: '郑州枫杨外国语学校', ecardSchool: false, dpcode: '00000000' });
  await store.saveSchool({ partnerId: 'p1', customerCode: '1002', customerName: '第二实验小学', ecardSchool: true, dpcode: '10020000' });
  store.add('p1', '1001', person({ outid: '150940', name: '刘大宝', idNumber: FATHER_ID, role: 2 }));
  store.add('p1', '1001', person({ relatives: [{ relation: 'F', name: '刘大宝', idNumber: FATHER_ID, mobile: '' }] }));
});

const importQuery = (over: Partial<Parameters<RosterMatching['matchImport']>[0]> = {}) => ({
  partnerId: 'p1',
  customerCode: '1001',
  outid: '150940',
  name: '刘大宝',
  idNumber: FATHER_ID,
  role: 0,
  ...over,
});

describe('IMPORT', () => {
  it('when name, ID number and outid match at the named school, then the member comes with the school and the children who list them', async () => {
    const outcome = await matching.matchImport(importQuery({ role: 2 }));
    expect(outcome.result).toBe('MATCHED');
    expect(outcome.match).toMatchObject({ member: { outid: '150940', role: 2 }, school: { customerName: '郑州枫杨外国语学校', dpcode: '00000000' } });
    expect(outcome.relatives).toHaveLength(1);
    expect(outcome.relatives[0]).toMatchObject({ relation: 'F', member: { outid: '150941', name: '刘小宝' } });
  });

  it.each([
    ['a school the partner does not have', { customerCode: '9999' }, 'NO_SUCH_SCHOOL'],
    ['an outid not on the roster', { outid: '999999' }, 'NOT_ON_ROSTER'],
    ['another name', { name: '刘二宝' }, 'NAME_MISMATCH'],
    ['another ID number', { idNumber: OTHER_ID }, 'ID_MISMATCH'],
    ['another role', { role: 1 }, 'ROLE_MISMATCH'],
    ['another partner', { partnerId: 'p2' }, 'NO_SUCH_SCHOOL'],
  ])('when the claim has %s, then the answer is %s and carries no member', async (_what, over, result) => {
    const outcome = await matching.matchImport(importQuery(over));
    expect(outcome).toEqual({ result, relatives: [] });
  });

  it('when no school is named, then the person is found across the partner\'s schools', async () => {
    expect((await matching.matchImport(importQuery({ customerCode: '' }))).match?.school.customerCode).toBe('1001');
  });

  it('when no school is named and the name is wrong, then the ID number tells NAME_MISMATCH from NOT_ON_ROSTER', async () => {
    expect((await matching.matchImport(importQuery({ customerCode: '', name: '刘二宝' }))).result).toBe('NAME_MISMATCH');
    expect((await matching.matchImport(importQuery({ customerCode: '', name: '刘二宝', idNumber: OTHER_ID }))).result).toBe('NOT_ON_ROSTER');
  });

  it('when no school is named and two schools have this name, outid and number, then AMBIGUOUS', async () => {
    store.add('p1', '1002', person({ outid: '150940', name: '刘大宝', idNumber: FATHER_ID, role: 2 }));
    expect((await matching.matchImport(importQuery({ customerCode: '' }))).result).toBe('AMBIGUOUS');
    expect((await matching.matchImport(importQuery({ customerCode: '1002' }))).result).toBe('MATCHED');
  });

  it.each([
    ['a malformed ID number', { idNumber: '122222' }, 'KYC.IDENTITY.INVALID_FORMAT'],
    ['an unknown role', { role: 3 }, 'KYC.ROSTER.INVALID_ROLE'],
    ['no outid', { outid: '' }, 'KYC.ROSTER.INVALID_OUTID'],
    ['no partner', { partnerId: '' }, 'KYC.ROSTER.QUERY_INVALID'],
  ])('when the query has %s, then it is refused as invalid', async (_what, over, code) => {
    await expect(matching.matchImport(importQuery(over))).rejects.toMatchObject({ code, kind: 'invalid_argument' });
  });
});

describe('IMPORT-ECARD (whitelist)', () => {
  it('when outid and name match, then the answer carries the roster\'s ID number for the verified identity', async () => {
    const outcome = await matching.matchWhitelist({ partnerId: 'p1', customerCode: '1001', outid: '150941', name: '刘小宝', role: 0 });
    expect(outcome).toMatchObject({ result: 'MATCHED', idNumber: CHILD_ID, match: { school: { ecardSchool: false } } });
  });

  it('when the name is wrong, then NAME_MISMATCH and no ID number', async () => {
    expect(await matching.matchWhitelist({ partnerId: 'p1', customerCode: '1001', outid: '150941', name: '张三', role: 0 })).toEqual({
      result: 'NAME_MISMATCH',
      idNumber: '',
      relatives: [],
    });
  });
});

describe('RELATION', () => {
  const query = { partnerId: 'p1', customerCode: '1001', outid: '150941', childName: '刘小宝', relation: 'f', guardianName: '刘大宝', guardianIdNumber: '', checkListedRelative: true };

  it('when the guardian is listed as the child\'s father, then the child is answered', async () => {
    const outcome = await matching.matchRelative(query);
    expect(outcome).toMatchObject({ result: 'MATCHED', match: { member: { outid: '150941', departments: [{ deptId: expect.any(Number), name: '2018级1班' }] } } });
  });

  it.each([
    ['another relation', { relation: 'M' }, 'RELATION_MISMATCH'],
    ['a guardian not listed', { guardianName: '王丽' }, 'RELATIVE_NOT_LISTED'],
    ['the wrong child name', { childName: '刘二宝' }, 'NAME_MISMATCH'],
    ['a guardian ID number the roster contradicts', { guardianIdNumber: OTHER_ID }, 'ID_MISMATCH'],
  ])('when the claim has %s, then %s', async (_what, over, result) => {
    expect((await matching.matchRelative({ ...query, ...over })).result).toBe(result);
  });

  it('when the relation code is unknown, then the query is refused', async () => {
    await expect(matching.matchRelative({ ...query, relation: 'UNCLE' })).rejects.toMatchObject({ code: 'KYC.ROSTER.INVALID_RELATION' });
  });
});
