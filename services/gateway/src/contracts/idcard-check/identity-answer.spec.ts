import { VerifiedIdentityView } from '../../application/ports';
import { ageInChina, unverifiedAnswer, verifiedAnswer } from './identity-answer';

describe('age in the answer', () => {
  it('counts whole years by the date in China, where the day starts eight hours before UTC', () => {
    // 2024-03-07 16:30 UTC is already 2024-03-08 in China.
    expect(ageInChina('1990-03-08', Date.parse('2024-03-07T16:30:00Z'))).toBe('34');
    expect(ageInChina('1990-03-08', Date.parse('2024-03-07T15:30:00Z'))).toBe('33');
  });

  it('makes someone born on 29 February a year older on 1 March in common years', () => {
    expect(ageInChina('2004-02-29', Date.parse('2023-02-28T04:00:00Z'))).toBe('18');
    expect(ageInChina('2004-02-29', Date.parse('2023-03-01T04:00:00Z'))).toBe('19');
  });

  it('is empty when the birth date is unknown', () => {
    expect(ageInChina('', Date.now())).toBe('');
  });
});

describe('answer objects', () => {
  const identity: VerifiedIdentityView = {
    partnerId: 'p',
    subjectId: 's',
    name: '张三',
    idNumber: '11010119900307123X',
    birthDate: '',
    gender: 'M',
    regionCode: '110101',
    address: '北京市东城区',
    documentValidFrom: '2020-01-01',
    documentValidTo: '',
    cardFrontPhotoId: 's:1',
    cardBackPhotoId: '',
    method: 'MANUAL',
  };

  it('carries exactly the seed fields, age from the ID number when the birth date is missing', () => {
    const object = verifiedAnswer(identity, 'u-1', { cardFrontUrl: 'https://x/f', cardBackUrl: '' }, Date.parse('2024-05-01T04:00:00Z'));
    expect(object).toEqual({
      userId: 'u-1',
      name: '张三',
      cardNumber: '11010119900307123X',
      address: '北京市东城区',
      age: '34',
      cardFrontUrl: 'https://x/f',
      cardBackUrl: '',
      startTime: '2020-01-01',
      entTime: '',
      isAuth: true,
    });
  });

  it('tells nothing but the user id for a known user who is not verified', () => {
    const object = unverifiedAnswer('u-2');
    expect(object.isAuth).toBe(false);
    expect(Object.keys(object).sort()).toEqual(Object.keys(verifiedAnswer(identity, '', { cardFrontUrl: '', cardBackUrl: '' })).sort());
    expect(Object.entries(object).filter(([k, v]) => k !== 'userId' && k !== 'isAuth' && v !== '')).toEqual([]);
  });
});
