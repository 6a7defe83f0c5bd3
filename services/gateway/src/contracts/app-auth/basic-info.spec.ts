import { AppRefusal } from './envelope';
import { checkIdCard, dateOf, parseBasicInfo } from './basic-info';

/** 11010519491231002X: born 1949-12-31, 17th digit 2 (female). */
const idCard = {
  country: '中国',
  firstName: '张',
  secondName: '三',
  idNumber: '11010519491231002x',
  birthday: '1949-12-31',
  gender: '2',
  isChina: 1,
  currentLocation: 1,
  singnTime: '2015.06.01',
  outofTime: '2035.06.01',
  isAllTime: 0,
};
const passport = { ...idCard, currentLocation: 2, idNumber: 'EA1234567', birthday: '1990-03-07', gender: 1 };
const NOW = Date.parse('2026-01-01T00:00:00Z');

const statusOf = (fn: () => unknown) => {
  try {
    fn();
    return 200;
  } catch (err) {
    return (err as AppRefusal).status;
  }
};

describe('seed 001 step 1: basic information', () => {
  it('when an ID card submission is complete, then it is normalized (upper-case number, ISO dates)', () => {
    expect(parseBasicInfo(idCard, NOW)).toEqual({
      country: '中国',
      firstName: '张',
      secondName: '三',
      idNumber: '11010519491231002X',
      birthday: '1949-12-31',
      gender: 2,
      isChina: 1,
      documentType: 1,
      validFrom: '2015-06-01',
      validTo: '2035-06-01',
      longTerm: false,
    });
  });

  it('when the card is long-term (isAllTime 1), then no expiry is needed', () => {
    expect(parseBasicInfo({ ...idCard, outofTime: '长期', isAllTime: '1' }, NOW)).toMatchObject({ longTerm: true, validTo: '' });
  });

  it.each([
    ['a missing field', { ...idCard, country: '' }, -1],
    ['an unknown gender', { ...idCard, gender: 3 }, -1],
    ['an ID card for a non-Chinese holder', { ...idCard, isChina: 0 }, -1],
    ['an impossible birthday', { ...idCard, birthday: '1949-02-30' }, -1],
    ['an expiry before the issue date', { ...idCard, outofTime: '2014-01-01' }, -1009],
    ['an expired document', { ...idCard, outofTime: '2025-06-01' }, -1009],
    ['an issue date in the future', { ...idCard, singnTime: '2027-01-01' }, -1009],
    ['no expiry without isAllTime', { ...idCard, outofTime: '' }, -1009],
    ['a malformed PRC passport number', { ...passport, idNumber: 'X1234567' }, -1008],
    ['a foreign passport number without digits', { ...passport, isChina: 0, idNumber: 'ABCDEFG' }, -1008],
  ])('when step 1 has %s, then status %s', (_what, params, status) => {
    expect(statusOf(() => parseBasicInfo(params as Record<string, unknown>, NOW))).toBe(status);
  });

  it('when a passport number has a valid format, then it is accepted whatever its digits', () => {
    expect(statusOf(() => parseBasicInfo(passport, NOW))).toBe(200);
    expect(statusOf(() => parseBasicInfo({ ...passport, isChina: 0, country: 'Deutschland', idNumber: 'C01X00T47', firstName: 'Müller', secondName: 'Anna' }, NOW))).toBe(200);
  });

  it('when dates are written as on cards or compactly, then they read as the same day; impossible ones do not', () => {
    expect(['2015-06-01', '2015.06.01', '2015/06/01', '20150601'].map(dateOf)).toEqual(Array(4).fill('2015-06-01'));
    expect(['2015-13-01', '15-06-01', '', undefined].map(dateOf)).toEqual(Array(4).fill(undefined));
  });
});

describe('seed 001 step 1: the ID card against its number', () => {
  const identities = (verdict: { valid: boolean; reasonCode: string; birthDate?: string; gender?: string }) => ({ validateIdNumber: jest.fn(async () => verdict) });
  const info = parseBasicInfo(idCard, NOW);
  const run = (verdict: Parameters<typeof identities>[0], over = {}) =>
    checkIdCard(identities(verdict), { ...info, ...over }).then(
      () => 200,
      (err: AppRefusal) => err.status,
    );

  it('when identity-lookup accepts the number and birthday and gender match it, then it passes', async () => {
    expect(await run({ valid: true, reasonCode: '', birthDate: '1949-12-31', gender: 'F' })).toBe(200);
  });

  it('when the number fails GB 11643, then -1006; when birthday or gender contradict it, then -1007', async () => {
    expect(await run({ valid: false, reasonCode: 'KYC.IDENTITY.INVALID_CHECK_DIGIT' })).toBe(-1006);
    expect(await run({ valid: true, reasonCode: '', birthDate: '1949-12-31', gender: 'F' }, { gender: 1 })).toBe(-1007);
    expect(await run({ valid: true, reasonCode: '', birthDate: '1949-12-31', gender: 'F' }, { birthday: '1950-01-01' })).toBe(-1007);
  });

  it('when the document is a passport, then identity-lookup is not asked', async () => {
    const ids = identities({ valid: false, reasonCode: 'x' });
    await checkIdCard(ids, { ...info, documentType: 2 });
    expect(ids.validateIdNumber).not.toHaveBeenCalled();
  });
});
