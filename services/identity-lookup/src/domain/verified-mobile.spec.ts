import { maskMobile } from './verified-mobile';

describe('maskMobile', () => {
  it('when a mainland number is masked, then only its first three and last two digits show', () => {
    expect(maskMobile('18012345611')).toBe('180******11');
  });

  it('when a value is too short to mask partly, then nothing of it shows', () => {
    expect(maskMobile('12345')).toBe('*****');
  });
});
