import { isPhotoType, isStaleLockChange } from './photo-rules';

describe('photo rules', () => {
  it('when t_photo is 0 or 1, then it is a photo type; otherwise not', () => {
    expect([0, 1].every(isPhotoType)).toBe(true);
    expect([-1, 2, 3, 0.5, NaN].some(isPhotoType)).toBe(false);
  });

  it('when a lock change is of an older round than the one applied, then it is stale; the same or a newer round applies', () => {
    expect(isStaleLockChange(2, 1)).toBe(true);
    expect(isStaleLockChange(2, 2)).toBe(false);
    expect(isStaleLockChange(2, 3)).toBe(false);
  });

  it('when no lock change was applied yet, then any round applies', () => {
    expect(isStaleLockChange(undefined, 1)).toBe(false);
    expect(isStaleLockChange(undefined, 0)).toBe(false);
  });
});
