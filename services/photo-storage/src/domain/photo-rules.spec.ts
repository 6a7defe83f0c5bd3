import { isObjectKey, isPhotoType, isStaleLockChange, objectsToEvict } from './photo-rules';

describe('photo rules', () => {
  it('when the type is 0, 1 or 2 (hand-held, ID front, ID back), then it is a photo type; otherwise not', () => {
    expect([0, 1, 2].every(isPhotoType)).toBe(true);
    expect([-1, 3, 0.5, NaN].some(isPhotoType)).toBe(false);
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

describe('object keys', () => {
  it('when a key is a plain relative path, then it is accepted', () => {
    expect(['auth/6/front.jpg', 'a', 'auth/6/2024-05-01_front-1.PNG'].every(isObjectKey)).toBe(true);
  });

  it('when a key has empty or dot-only segments, odd characters or is too long, then it is refused', () => {
    expect(['', '/auth/6/x', 'auth//x', 'auth/../x', 'auth/./x', 'auth/6/x ', 'auth/6/照片.jpg', 'a?b', 'x'.repeat(257)].some(isObjectKey)).toBe(false);
  });
});

describe('object eviction', () => {
  const at = (s: number) => new Date(s * 1000);
  const objects = [
    { key: 'b', storedAt: at(2) },
    { key: 'a', storedAt: at(1) },
    { key: 'c', storedAt: at(3) },
  ];

  it('when a new key would exceed the limit, then the oldest objects make room', () => {
    expect(objectsToEvict(objects, 'd', 3)).toEqual(['a']);
    expect(objectsToEvict(objects, 'd', 2)).toEqual(['a', 'b']);
  });

  it('when the key replaces an existing object or the limit is not reached, then nothing is evicted', () => {
    expect(objectsToEvict(objects, 'a', 3)).toEqual([]);
    expect(objectsToEvict(objects, 'd', 4)).toEqual([]);
  });
});
