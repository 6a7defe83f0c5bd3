import { createLogger } from '@kyc/core';
import { CaseStatus, DecisionRecord } from '../domain/review-case';
import { Claim, isFinal, OPEN_STATES, VerificationEvent } from '../domain/verification';
import { ProcessProgress } from '../methods/method';
import { createMethodRegistry } from '../methods/registry';
import { CaseDecisions } from './case-decisions';
import { IdentityRegistry, ReviewCaseView, StoredVerification, VerificationStore } from './ports';
import { ProcessVerifications } from './process-verifications';
import { ReviewVerifications } from './review-verifications';

const logger = createLogger('spec', 'silent');
const NEVER = new Date('9999-12-31T00:00:00Z');

interface Row extends StoredVerification {
  claim: Claim;
  leaseUntil: Date;
  nextAttemptAt: Date;
}

/** The verification store's semantics the flow relies on: unique ids, leases, "first decision counts", final is final. */
function memoryStore() {
  const rows = new Map<string, Row>();
  const events: VerificationEvent[] = [];
  const store: VerificationStore = {
    async insertStarted(input) {
      const earlier = rows.get(input.verification.id);
      if (earlier) return { verification: earlier.verification, created: false };
      rows.set(input.verification.id, {
        verification: input.verification,
        claim: input.claim,
        progress: {},
        attempts: 0,
        correlationId: input.correlationId,
        leaseUntil: new Date(0),
        nextAttemptAt: input.awaitsExternalDecision ? NEVER : new Date(0),
      });
      events.push(input.event);
      return { verification: input.verification, created: true };
    },
    findById: async (id) => rows.get(id)?.verification,
    findByTicket: async (ticket) => [...rows.values()].find((r) => r.verification.ticket === ticket)?.verification,
    latestForSubject: async () => undefined,
    openClaim: async (id) => rows.get(id)!.claim,
    async acquireLease(id, leaseMs, now) {
      const r = rows.get(id);
      if (!r || isFinal(r.verification.state) || r.leaseUntil > now || r.nextAttemptAt > now) return undefined;
      r.leaseUntil = new Date(now.getTime() + leaseMs);
      r.firstAttemptAt ??= now;
      return { ...r, verification: { ...r.verification, state: 'PROCESSING' } };
    },
    saveProgress: async (id, progress) => void (rows.get(id)!.progress = progress),
    async scheduleRetry(id, nextAttemptAt, attempts) {
      Object.assign(rows.get(id)!, { leaseUntil: new Date(0), nextAttemptAt, attempts });
    },
    async complete(v, event) {
      const r = rows.get(v.id)!;
      if (!OPEN_STATES.includes(r.verification.state)) return false;
      r.verification = v;
      events.push(event);
      return true;
    },
    async recordExternalDecision(id, progress: ProcessProgress) {
      const r = rows.get(id);
      if (!r || isFinal(r.verification.state) || r.progress.reviewDecision) return false;
      Object.assign(r, { progress: { ...r.progress, ...progress }, nextAttemptAt: new Date(0), leaseUntil: new Date(0) });
      return true;
    },
    existingIds: async (ids) => ids.filter((id) => rows.has(id)),
    dueForProcessing: async (methods, now) =>
      [...rows.values()]
        .filter((r) => !isFinal(r.verification.state) && methods.includes(r.verification.method) && r.leaseUntil <= now && r.nextAttemptAt <= now)
        .map((r) => r.verification.id),
  };
  return { store, rows, events };
}

function world(opts: { identityDown?: number } = {}) {
  const { store, rows, events } = memoryStore();
  let failuresLeft = opts.identityDown ?? 0;
  const identities: IdentityRegistry = {
    validateIdNumber: async () => ({ valid: true, reasonCode: '' }),
    recordVerifiedIdentity: jest.fn(async () => {
      if (failuresLeft-- > 0) throw new Error('identity-lookup unavailable');
      return { conflict: false };
    }),
  };
  const methods = createMethodRegistry({ authority: { check: jest.fn() }, identities });
  // giveUpMs 0: a method that named a give-up code would fail at once; manual review must not.
  const processing = new ProcessVerifications({
    store,
    methods,
    logger,
    options: { leaseMs: 60_000, sweepIntervalMs: 1_000, retryBaseMs: 0, retryMaxMs: 0, giveUpMs: 0 },
  });
  const reviewCase: ReviewCaseView = {
    found: true,
    caseId: 'case1',
    caseNumber: 7,
    subjectId: 's1',
    partnerId: 'p1',
    status: CaseStatus.Pending,
    round: 1,
    name: ' 张三 ',
    idNumber: '11010119900307123x',
    rejectReason: '',
    rejectReasonCode: '',
  };
  const cases = {
    find: async (subjectId: string) => (subjectId === reviewCase.subjectId ? { ...reviewCase } : { ...reviewCase, found: false }),
    findByCaseId: async (caseId: string) => (caseId === reviewCase.caseId ? { ...reviewCase } : { ...reviewCase, found: false }),
    summaryByCaseId: async () => ({ ...reviewCase }),
    pendingSince: async () => (reviewCase.status === CaseStatus.Pending ? [{ subjectId: 's1', caseId: 'case1', round: reviewCase.round }] : []),
    applyDecision: jest.fn(async (_s: string, d: DecisionRecord) => {
      if (reviewCase.status !== CaseStatus.Pending || reviewCase.round !== d.round) return false;
      reviewCase.status = d.toStatus;
      return true;
    }),
  };
  const kicked: string[] = [];
  const links = new ReviewVerifications({ store, cases, methods, kick: (id) => kicked.push(id), logger });
  const audit = new Map<string, DecisionRecord>();
  const auditStore = {
    get: async (id: string) => audit.get(id),
    byIds: async (ids: string[]) => ids.flatMap((id) => (audit.has(id) ? [audit.get(id)!] : [])),
    forCase: async () => [...audit.values()],
    claim: async (r: DecisionRecord) => (audit.has(r._id) ? { won: false as const, existing: audit.get(r._id)! } : (audit.set(r._id, r), { won: true as const })),
  };
  const decisions = new CaseDecisions(cases as never, auditStore, logger, links);
  const v = (id = 'case1:1') => rows.get(id)?.verification;
  const started = () => events.filter((e) => e.type === 'VerificationStarted');
  const completed = () => events.filter((e) => e.type === 'VerificationCompleted');
  /** Runs what the kicks and the sweep would run. */
  const drain = async () => {
    for (let i = 0; i < 10; i++) {
      for (const id of kicked.splice(0)) await processing.processOne(id);
      await processing.sweep();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { reviewCase, cases, links, decisions, audit, identities, v, started, completed, drain, rows };
}

const approve = { decision: CaseStatus.Approved, round: 1, reviewerId: 'r1', reasonCode: '', note: '', correlationId: 'corr' };
const reject = { decision: CaseStatus.Rejected, round: 1, reviewerId: 'r1', reasonCode: 'PHOTO_UNREADABLE', note: 'blurred', correlationId: 'corr' };

describe('review rounds as manual-review verifications', () => {
  it('when a round is opened, and again (a redelivered submission), then one PROCESSING verification with one Started event', async () => {
    const w = world();
    await w.links.openForCurrentRound('s1', 'c');
    await w.links.openForCurrentRound('s1', 'c');
    expect(w.v()).toMatchObject({ id: 'case1:1', state: 'PROCESSING', method: 'manual-review', subjectId: 's1', partnerId: 'p1', evidenceIds: ['s1:0', 's1:1'] });
    expect(w.started()).toHaveLength(1);
    expect(w.rows.get('case1:1')!.claim).toEqual({ name: '张三', idNumber: '11010119900307123X', mobile: '' });
    // Waiting for a reviewer is not work for the sweep.
    await w.drain();
    expect(w.v()!.state).toBe('PROCESSING');
    expect(w.identities.recordVerifiedIdentity).not.toHaveBeenCalled();
  });

  it('when the case is not pending (a redelivery after the decision), then no verification is opened', async () => {
    const w = world();
    w.reviewCase.status = CaseStatus.Rejected;
    await w.links.openForCurrentRound('s1', 'c');
    expect(w.started()).toHaveLength(0);
  });

  it('when a reviewer approves, then the verification succeeds OK with one Completed event', async () => {
    const w = world();
    await w.links.openForCurrentRound('s1', 'c');
    await w.decisions.decide('case1', approve);
    await w.drain();
    expect(w.v()).toMatchObject({ state: 'SUCCEEDED', resultCode: 'OK' });
    expect(w.completed()).toEqual([expect.objectContaining({ verificationId: 'case1:1', state: 'SUCCEEDED', resultCode: 'OK', method: 'manual-review' })]);
  });

  it('when a reviewer rejects, then the verification fails with REVIEW.<reason code> and no identity is recorded', async () => {
    const w = world();
    await w.links.openForCurrentRound('s1', 'c');
    await w.decisions.decide('case1', reject);
    await w.drain();
    expect(w.v()).toMatchObject({ state: 'FAILED', resultCode: 'REVIEW.PHOTO_UNREADABLE' });
    expect(w.identities.recordVerifiedIdentity).not.toHaveBeenCalled();
  });

  it('when identity-lookup is down after an approval, then the verification stays PROCESSING and succeeds once it answers, never giving up', async () => {
    const w = world({ identityDown: 3 });
    await w.links.openForCurrentRound('s1', 'c');
    await w.decisions.decide('case1', approve);
    await w.drain();
    expect(w.v()).toMatchObject({ state: 'SUCCEEDED', resultCode: 'OK' });
    expect(w.identities.recordVerifiedIdentity).toHaveBeenCalledTimes(4);
    expect(w.completed()).toHaveLength(1);
  });

  it('when the round never got its verification (its opener crashed), then the roll-forward opens it and a decision still finishes it', async () => {
    const w = world();
    expect(await w.decisions.rollForward(0)).toBe(0);
    expect(w.v()).toMatchObject({ state: 'PROCESSING' });
    expect(w.started()).toHaveLength(1);
    await w.decisions.decide('case1', reject);
    await w.drain();
    expect(w.v()).toMatchObject({ state: 'FAILED', resultCode: 'REVIEW.PHOTO_UNREADABLE' });
  });

  it('when a decision arrives before the round has its verification, then it is opened and decided', async () => {
    const w = world();
    await w.decisions.decide('case1', approve);
    await w.drain();
    expect(w.v()).toMatchObject({ state: 'SUCCEEDED' });
    expect(w.started()).toHaveLength(1);
  });

  it('when the decider dies after committing to the audit trail, then the roll-forward applies the case and completes the verification', async () => {
    const w = world();
    await w.links.openForCurrentRound('s1', 'c');
    // Committed, then the process died: neither the case nor the verification heard of it.
    w.audit.set('case1:1', {
      _id: 'case1:1',
      caseId: 'case1',
      round: 1,
      fromStatus: CaseStatus.Pending,
      toStatus: CaseStatus.Approved,
      reviewerId: 'r1',
      reasonCode: '',
      decidedAt: new Date(Date.now() - 60_000),
      eventId: 'e1',
      correlationId: 'corr',
    });
    expect(await w.decisions.rollForward(10_000)).toBe(1);
    await w.drain();
    expect(w.reviewCase.status).toBe(CaseStatus.Approved);
    expect(w.v()).toMatchObject({ state: 'SUCCEEDED', resultCode: 'OK' });
  });

  it('when recording the decision on the verification fails, then the case stays pending and the roll-forward does both later', async () => {
    const w = world();
    await w.links.openForCurrentRound('s1', 'c');
    const original = w.links.decisionCommitted.bind(w.links);
    w.links.decisionCommitted = jest.fn(async () => {
      throw new Error('mongo unavailable');
    });
    await expect(w.decisions.decide('case1', approve)).rejects.toThrow('mongo unavailable');
    expect(w.reviewCase.status).toBe(CaseStatus.Pending);
    w.links.decisionCommitted = original;
    w.audit.get('case1:1')!.decidedAt = new Date(Date.now() - 60_000);
    expect(await w.decisions.rollForward(10_000)).toBe(1);
    await w.drain();
    expect(w.reviewCase.status).toBe(CaseStatus.Approved);
    expect(w.v()).toMatchObject({ state: 'SUCCEEDED' });
  });
});
