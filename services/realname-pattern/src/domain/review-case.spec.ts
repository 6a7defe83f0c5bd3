import { canSubmit, CaseStatus, isLocked } from './review-case';

describe('review case states', () => {
  it('when nothing or a rejection is on file, then the subject may submit', () => {
    expect(canSubmit(undefined)).toBe(true);
    expect(canSubmit(CaseStatus.Draft)).toBe(true);
    expect(canSubmit(CaseStatus.Rejected)).toBe(true);
  });
  it('when a case is pending or approved, then it is locked', () => {
    expect(canSubmit(CaseStatus.Pending)).toBe(false);
    expect(isLocked(CaseStatus.Pending)).toBe(true);
    expect(isLocked(CaseStatus.Approved)).toBe(true);
    expect(isLocked(CaseStatus.Rejected)).toBe(false);
  });
});
