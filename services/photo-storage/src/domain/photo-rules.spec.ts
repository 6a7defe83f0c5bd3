import { isPhotoType, lockedAfter } from './photo-rules';

describe('photo rules', () => {
  it('when t_photo is 0 or 1, then it is a photo type; otherwise not', () => {
    expect([0, 1].every(isPhotoType)).toBe(true);
    expect([-1, 2, 3, 0.5, NaN].some(isPhotoType)).toBe(false);
  });

  it('when a case is submitted or approved, then photos are locked; when rejected, then they reopen', () => {
    expect(lockedAfter('submitted')).toBe(true);
    expect(lockedAfter('approved')).toBe(true);
    expect(lockedAfter('rejected')).toBe(false);
  });
});
