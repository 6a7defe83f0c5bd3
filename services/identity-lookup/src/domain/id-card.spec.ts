import { checkCharacter, checkName, parseIdNumber } from './id-card';

// Built from the rules, not copied: region 110101, born 1990-03-07, sequence 451.
const body = '11010119900307451';
const valid = body + checkCharacter(body);

describe('parseIdNumber', () => {
  it('when the number is well formed, then it yields region, birth date and gender', () => {
    expect(parseIdNumber(valid)).toEqual({ regionCode: '110101', birthDate: '1990-03-07', gender: 'male' });
  });

  it('when the check character ends in x, then lower case is accepted', () => {
    // 11010519491231002? has check character X
    const b = '11010519491231002';
    expect(checkCharacter(b)).toBe('X');
    expect(parseIdNumber(b + 'x').birthDate).toBe('1949-12-31');
  });

  it('when the check character is wrong, then it is refused with a stable code', () => {
    const wrong = body + (valid[17] === '0' ? '1' : '0');
    expect(() => parseIdNumber(wrong)).toThrow(expect.objectContaining({ code: 'KYC.IDENTITY.INVALID_CHECK_DIGIT' }));
  });

  it.each([
    ['the seed placeholder', '122222', 'KYC.IDENTITY.INVALID_FORMAT'],
    ['an unknown region', '99010119900307451X', 'KYC.IDENTITY.INVALID_REGION'],
    ['the 30th of February', '11010119900230451X', 'KYC.IDENTITY.INVALID_BIRTH_DATE'],
    ['a birth date in the future', '11010120990101451X', 'KYC.IDENTITY.INVALID_BIRTH_DATE'],
  ])('when the number is %s, then it is refused', (_what, id, code) => {
    expect(() => parseIdNumber(id)).toThrow(expect.objectContaining({ code }));
  });
});

describe('checkName', () => {
  it.each(['张三', '阿依古丽·买买提', 'John Smith'])('when the name is %s, then it is accepted', (n) => {
    expect(checkName(n)).toBe(n);
  });
  it.each(['x', '', '张三3', 'a  b', '<script>'])('when the name is %p, then it is refused', (n) => {
    expect(() => checkName(n)).toThrow(expect.objectContaining({ code: 'KYC.IDENTITY.INVALID_NAME' }));
  });
});
