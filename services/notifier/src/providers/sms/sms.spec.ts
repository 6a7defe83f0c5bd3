import { maskMobile } from './sms';

describe('maskMobile', () => {
  it.each([
    ['18012345611', '180******11'],
    ['8613912345678', '861********78'],
    ['12345', '*****'],
  ])('when the number is %s, then it shows as %s', (mobile, masked) => {
    expect(maskMobile(mobile)).toBe(masked);
  });
});
