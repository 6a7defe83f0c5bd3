import { createLogger, KycError } from '@kyc/core';
import { CaseStatus, DecisionRecord, REVIEW_ERROR } from '../domain/review-case';
import { CaseDecisions } from './case-decisions';

const { Pending, Approved, Rejected } = CaseStatus;

/**
 * In-memory stand-ins with the semantics the real repositories rely on: the audit trail's insert
 * is unique per id, and applying a decision is conditional on "Pending at that round".
 */
function world() {
  const caseDoc = { subjectId: 's1', caseId: 'c1', caseNumber: 1, partnerId: 'p1', status: Pending as CaseStatus, round: 1, updatedAt: new Date(0) };
  const notes: string[] = [];
  const audit = new Map<string, DecisionRecord>();
  const events: string[] = [];
  const summary = () => ({ ...caseDoc });
  const cases = {
    findByCaseId: async (caseId: string) =>
      caseId === caseDoc.caseId
        ? { ...summary(), found: true, name: 'n', idNumber: 'i', rejectReason: '', rejectReasonCode: '' }
        : { found: false },
    summaryByCaseId: async (caseId: string) => (caseId === caseDoc.caseId ? summary() : undefined),
    pendingSince: async (before: Date) =>
      caseDoc.status === Pending && caseDoc.updatedAt < before ? [{ subjectId: caseDoc.subjectId, caseId: caseDoc.caseId, round: caseDoc.round }] : [],
    applyDecision: async (_subjectId: string, d: DecisionRecord, note = '') => {
      if (caseDoc.status !== Pending || caseDoc.round !== d.round) return false;
      caseDoc.status = d.toStatus;
      notes.push(note);
      events.push(d.eventId);
      return true;
    },
  };
  const auditRepo = {
    get: async (id: string) => audit.get(id),
    byIds: async (ids: string[]) => ids.flatMap((id) => (audit.has(id) ? [audit.get(id)!] : [])),
    forCase: async (caseId: string) => [...audit.values()].filter((r) => r.caseId === caseId),
    claim: async (r: DecisionRecord) => {
      await new Promise((resolve) => setImmediate(resolve)); // let concurrent callers interleave
      const existing = audit.get(r._id);
      if (existing) return { won: false as const, existing };
      audit.set(r._id, r);
      return { won: true as const };
    },
  };
  const decisions = new CaseDecisions(cases as never, auditRepo as never, createLogger('spec', 'silent'));
  return { caseDoc, notes, audit, events, decisions };
}

const approve = (reviewerId: string, round = 1) => ({ decision: Approved, round, reviewerId, reasonCode: '', note: '', correlationId: 'corr' });
const reject = (reviewerId: string, round = 1, note = '') => ({
  decision: Rejected,
  round,
  reviewerId,
  reasonCode: 'PHOTO_UNREADABLE',
  note,
  correlationId: 'corr',
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof KycError) return err.code;
    throw err;
  }
  return 'ok';
}

describe('case decisions', () => {
  it('when a reviewer decides a pending case, then the decision is recorded once and applied with its note', async () => {
    const w = world();
    const summary = await w.decisions.decide('c1', reject('rv_a', 1, 'blurred'));
    expect(summary.status).toBe(Rejected);
    expect([...w.audit.values()]).toEqual([
      expect.objectContaining({ _id: 'c1:1', caseId: 'c1', round: 1, fromStatus: Pending, toStatus: Rejected, reviewerId: 'rv_a', reasonCode: 'PHOTO_UNREADABLE' }),
    ]);
    expect(JSON.stringify([...w.audit.values()])).not.toContain('blurred');
    expect(w.notes).toEqual(['blurred']);
  });

  it('when two reviewers decide the same round at once, then exactly one wins and the other gets ALREADY_DECIDED', async () => {
    const w = world();
    const codes = await Promise.all([codeOf(w.decisions.decide('c1', approve('rv_a'))), codeOf(w.decisions.decide('c1', reject('rv_b')))]);
    expect(codes.sort()).toEqual([REVIEW_ERROR.alreadyDecided, 'ok'].sort());
    expect(w.audit.size).toBe(1);
    expect(w.caseDoc.status).toBe([...w.audit.values()][0].toStatus);
    expect(w.events).toHaveLength(1);
  });

  it('when the same reviewer repeats the same decision (a retry), then it succeeds again without a second record or event', async () => {
    const w = world();
    await w.decisions.decide('c1', approve('rv_a'));
    expect((await w.decisions.decide('c1', approve('rv_a'))).status).toBe(Approved);
    expect(w.audit.size).toBe(1);
    expect(w.events).toHaveLength(1);
    expect(await codeOf(w.decisions.decide('c1', reject('rv_a')))).toBe(REVIEW_ERROR.alreadyDecided);
  });

  it('when the case is unknown, not at the reviewed round, or the request is invalid, then nothing is recorded', async () => {
    const w = world();
    expect(await codeOf(w.decisions.decide('nope', approve('rv_a')))).toBe(REVIEW_ERROR.caseNotFound);
    expect(await codeOf(w.decisions.decide('c1', approve('rv_a', 2)))).toBe(REVIEW_ERROR.staleRound);
    expect(await codeOf(w.decisions.decide('c1', { ...reject('rv_a'), reasonCode: '' }))).toBe(REVIEW_ERROR.reasonCodeRequired);
    expect(w.audit.size).toBe(0);
    expect(w.caseDoc.status).toBe(Pending);
  });

  it('when a decision was committed but its case update never happened, then the roll-forward applies it once it is old enough', async () => {
    const w = world();
    const committed: DecisionRecord = {
      _id: 'c1:1',
      caseId: 'c1',
      round: 1,
      fromStatus: Pending,
      toStatus: Rejected,
      reviewerId: 'rv_a',
      reasonCode: 'OTHER',
      decidedAt: new Date(Date.now() - 60_000),
      eventId: 'ev-1',
      correlationId: '',
    };
    w.audit.set(committed._id, committed); // the decider crashed right after this insert
    expect(await codeOf(w.decisions.decide('c1', approve('rv_b')))).toBe(REVIEW_ERROR.alreadyDecided);
    expect(await w.decisions.rollForward(10_000)).toBe(1);
    expect(w.caseDoc.status).toBe(Rejected);
    expect(w.events).toEqual(['ev-1']);
    expect(await w.decisions.rollForward(10_000)).toBe(0);
  });

  it('when a decision is younger than the grace period, then the roll-forward leaves it to its own decider', async () => {
    const w = world();
    w.audit.set('c1:1', {
      _id: 'c1:1',
      caseId: 'c1',
      round: 1,
      fromStatus: Pending,
      toStatus: Approved,
      reviewerId: 'rv_a',
      reasonCode: '',
      decidedAt: new Date(),
      eventId: 'ev-1',
      correlationId: '',
    });
    expect(await w.decisions.rollForward(10_000)).toBe(0);
    expect(w.caseDoc.status).toBe(Pending);
  });
});
