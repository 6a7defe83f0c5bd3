import { mainlandMobile } from './mobile-number';

describe('mainland mobile numbers (libphonenumber-js/max)', () => {
  it('when a mobile is written in any usual way, then its 11-digit national form comes out', () => {
    for (const written of ['13800138000', '+86 138 0013 8000', '+86-138-0013-8000', '(+86)13800138000', '8613800138000']) {
      expect(mainlandMobile(written)).toBe('13800138000');
    }
  });

  it('when a number has the right length but no mobile prefix, a landline, or another country, then INVALID_MOBILE', () => {
    for (const bad of ['12345678901', '10000000000', '01088888888', '+1 650 253 0000', '1380013800', '', 'abc']) {
      expect(() => mainlandMobile(bad)).toThrow(expect.objectContaining({ code: 'KYC.MOBILE_CODE.INVALID_MOBILE', kind: 'invalid_argument' }));
    }
  });
});
