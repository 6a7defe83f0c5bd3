import { KycError } from '@kyc/core';
import {
  assertDecidable,
  canSubmit,
  canTransition,
  CaseStatus,
  decisionEvents,
  DecisionRequest,
  isEvidenceLocked,
  isSameDecision,
  MAX_NOTE_LENGTH,
  nextRound,
  REVIEW_ERROR,
  submissionEvents,
  validateDecision,
} from './review-case';

const { Draft, Pending, Approved, Rejected } = CaseStatus;

const reject = (over: Partial<DecisionRequest> = {}): DecisionRequest => ({
  decision: Rejected,
  round: 1,
  reviewerId: 'rv_1',
  reasonCode: 'PHOTO_UNREADABLE',
  note: '',
  ...over,
});
const approve = (over: Partial<DecisionRequest> = {}): DecisionRequest => ({
  decision: Approved,
  round: 1,
  reviewerId: 'rv_1',
  reasonCode: '',
  note: '',
  ...over,
});

function errorOf(fn: () => unknown): KycError {
  try {
    fn();
  } catch (err) {
    if (err instanceof KycError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('review case states', () => {
  it('when nothing or a rejection is on file, then the subject may submit', () => {
    expect(canSubmit(undefined)).toBe(true);
    expect(canSubmit(Draft)).toBe(true);
    expect(canSubmit(Rejected)).toBe(true);
  });
  it('when a case is pending or approved, then its evidence is locked; when new or rejected, then not', () => {
    expect(canSubmit(Pending)).toBe(false);
    expect(isEvidenceLocked(undefined)).toBe(false);
    expect(isEvidenceLocked(Draft)).toBe(false);
    expect(isEvidenceLocked(Pending)).toBe(true);
    expect(isEvidenceLocked(Approved)).toBe(true);
    expect(isEvidenceLocked(Rejected)).toBe(false);
  });
  it('when a case is submitted, then it opens the next round', () => {
    expect(nextRound(undefined)).toBe(1);
    expect(nextRound(0)).toBe(1);
    expect(nextRound(2)).toBe(3);
  });
});

describe('transitions', () => {
  const all = [Draft, Pending, Approved, Rejected];
  const allowed = new Set([`${Draft}->${Pending}`, `${Pending}->${Approved}`, `${Pending}->${Rejected}`, `${Rejected}->${Pending}`]);

  it.each(all.flatMap((from) => all.map((to) => [from, to] as const)))('when a case goes from %i to %i, then only the listed transitions are allowed', (from, to) => {
    expect(canTransition(from, to)).toBe(allowed.has(`${from}->${to}`));
  });
});

describe('decision requests', () => {
  it('when a reviewer approves, then no reason is kept', () => {
    expect(validateDecision(approve({ reviewerId: '  rv_1 ' }))).toEqual({ to: Approved, round: 1, reviewerId: 'rv_1', reasonCode: '', note: '' });
  });
  it('when a reviewer rejects with a code and a note, then both are kept (note trimmed)', () => {
    expect(validateDecision(reject({ reasonCode: 'INFO_MISMATCH', note: '  name differs  ' }))).toEqual({
      to: Rejected,
      round: 1,
      reviewerId: 'rv_1',
      reasonCode: 'INFO_MISMATCH',
      note: 'name differs',
    });
  });
  it.each([
    ['no reviewer', reject({ reviewerId: ' ' }), REVIEW_ERROR.reviewerRequired],
    ['a decision back to pending', reject({ decision: Pending }), REVIEW_ERROR.invalidDecision],
    ['an unspecified decision', reject({ decision: 0 }), REVIEW_ERROR.invalidDecision],
    ['no round', reject({ round: 0 }), REVIEW_ERROR.roundRequired],
    ['a fractional round', reject({ round: 1.5 }), REVIEW_ERROR.roundRequired],
    ['a rejection without a reason code', reject({ reasonCode: '' }), REVIEW_ERROR.reasonCodeRequired],
    ['a rejection with an unknown reason code', reject({ reasonCode: 'BECAUSE' }), REVIEW_ERROR.unknownReasonCode],
    ['a rejection with an overlong note', reject({ note: '字'.repeat(MAX_NOTE_LENGTH + 1) }), REVIEW_ERROR.noteTooLong],
    ['an approval with a reason code', approve({ reasonCode: 'OTHER' }), REVIEW_ERROR.reasonOnApproval],
    ['an approval with a note', approve({ note: 'fine' }), REVIEW_ERROR.reasonOnApproval],
  ])('when the request has %s, then it is refused as an invalid argument', (_what, req, code) => {
    const err = errorOf(() => validateDecision(req));
    expect(err.code).toBe(code);
    expect(err.kind).toBe('invalid_argument');
  });
  it('when a note is exactly at the limit (counted in characters), then it is accepted', () => {
    expect(validateDecision(reject({ note: '字'.repeat(MAX_NOTE_LENGTH) })).note).toHaveLength(MAX_NOTE_LENGTH);
  });
});

describe('which cases can be decided', () => {
  it('when the case is pending at the round the reviewer saw, then both decisions are allowed', () => {
    expect(() => assertDecidable({ status: Pending, round: 2 }, validateDecision(approve({ round: 2 })))).not.toThrow();
    expect(() => assertDecidable({ status: Pending, round: 2 }, validateDecision(reject({ round: 2 })))).not.toThrow();
  });
  it.each([
    ['already approved', { status: Approved, round: 1 }, REVIEW_ERROR.alreadyDecided],
    ['already rejected', { status: Rejected, round: 1 }, REVIEW_ERROR.alreadyDecided],
    ['never submitted', { status: Draft, round: 0 }, REVIEW_ERROR.notSubmitted],
    ['resubmitted since (a newer round is pending)', { status: Pending, round: 2 }, REVIEW_ERROR.staleRound],
    ['rejected and resubmitted and rejected again', { status: Rejected, round: 2 }, REVIEW_ERROR.staleRound],
  ])('when the case was %s, then a decision on round 1 fails its precondition', (_what, current, code) => {
    const err = errorOf(() => assertDecidable(current, validateDecision(approve())));
    expect(err.code).toBe(code);
    expect(err.kind).toBe('failed_precondition');
  });
  it('when the recorded decision has the same reviewer, outcome and code, then a repeat is a retry, otherwise a competitor', () => {
    const recorded = { toStatus: Rejected as const, reviewerId: 'rv_1', reasonCode: 'PHOTO_UNREADABLE' };
    expect(isSameDecision(recorded, validateDecision(reject()))).toBe(true);
    expect(isSameDecision(recorded, validateDecision(reject({ reviewerId: 'rv_2' })))).toBe(false);
    expect(isSameDecision(recorded, validateDecision(approve()))).toBe(false);
    expect(isSameDecision(recorded, validateDecision(reject({ reasonCode: 'OTHER' })))).toBe(false);
  });
});

describe('review case events', () => {
  const ids = { caseId: 'c1', subjectId: 's1', partnerId: 'p1' };
  const at = new Date('2026-01-02T03:04:05Z');
  const decided = (toStatus: CaseStatus.Approved | CaseStatus.Rejected, reasonCode = '') => ({ toStatus, reviewerId: 'rv_1', round: 2, reasonCode, decidedAt: at });

  it('when a case is submitted, then CaseSubmitted and a lock of that round are published', () => {
    expect(submissionEvents(ids, 2, at)).toEqual([
      { type: 'CaseSubmitted', ...ids, round: 2, submittedAt: at },
      { type: 'EvidenceLockChanged', subjectId: 's1', partnerId: 'p1', locked: true, round: 2, changedAt: at },
    ]);
  });
  it('when a case is approved, then CaseDecided is published and the evidence stays locked', () => {
    const [decision, lock] = decisionEvents(ids, decided(Approved));
    expect(decision).toEqual({ type: 'CaseDecided', ...ids, status: Approved, reviewerId: 'rv_1', round: 2, reasonCode: '', decidedAt: at });
    expect(lock).toEqual({ type: 'EvidenceLockChanged', subjectId: 's1', partnerId: 'p1', locked: true, round: 2, changedAt: at });
  });
  it('when a case is rejected, then CaseDecided carries the reason code and the evidence unlocks', () => {
    const [decision, lock] = decisionEvents(ids, decided(Rejected, 'PHOTO_UNREADABLE'));
    expect(decision).toMatchObject({ status: Rejected, reasonCode: 'PHOTO_UNREADABLE', round: 2 });
    expect(lock).toMatchObject({ locked: false, round: 2 });
  });
});
