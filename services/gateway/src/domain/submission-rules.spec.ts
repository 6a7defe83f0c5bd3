import { isEvidenceLocked, missingPhotoTypes } from './submission-rules';

describe('submission rules', () => {
  it('when both the hand-held and the ID-front photo are uploaded, then nothing is missing', () => {
    expect(missingPhotoTypes([1, 0])).toEqual([]);
  });
  it('when one or both are missing, then they are named', () => {
    expect(missingPhotoTypes([1])).toEqual([0]);
    expect(missingPhotoTypes([])).toEqual([0, 1]);
  });
});

describe('evidence lock', () => {
  it('when the case is pending or approved, then evidence is locked; when new or rejected, then not', () => {
    expect([0, 1, 2, 3].map(isEvidenceLocked)).toEqual([false, true, true, false]);
  });
});
