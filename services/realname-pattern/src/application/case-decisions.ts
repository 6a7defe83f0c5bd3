import { randomUUID } from 'node:crypto';
import { failedPrecondition, Logger, notFound } from '@kyc/core';
import {
  assertDecidable,
  DecisionRecord,
  decisionId,
  DecisionRequest,
  isSameDecision,
  REVIEW_ERROR,
  validateDecision,
} from '../domain/review-case';
import { CaseSummaryView, ReviewAuditStore, ReviewCaseStore, ReviewCaseView } from './ports';

/**
 * What else a committed decision must bring about (the round's manual-review verification, see
 * ReviewVerifications). `decisionCommitted` runs before the case applies the decision and must be
 * idempotent; if it throws, the case is left pending so that the roll-forward retries both.
 */
export interface DecisionFollowUp {
  decisionCommitted(record: DecisionRecord, reviewCase?: ReviewCaseView): Promise<void>;
  decisionApplied(record: DecisionRecord): void;
  /** Pending rounds without a committed decision, as the roll-forward sees them. */
  openMissing(rounds: { subjectId: string; caseId: string; round: number }[]): Promise<number>;
}

const NO_FOLLOW_UP: DecisionFollowUp = {
  decisionCommitted: async () => undefined,
  decisionApplied: () => undefined,
  openMissing: async () => 0,
};

/**
 * A reviewer's decision in two durable steps, neither of which needs a multi-document transaction:
 *
 * 1. Commit: insert the decision into the audit trail under the unique id "<caseId>:<round>".
 *    This insert chooses the winner among concurrent decisions (atomic on MongoDB and FerretDB).
 * 2. Apply: move the case to Approved/Rejected and queue CaseDecided in its outbox, in one
 *    single-document update conditioned on "Pending at that round".
 *
 * A crash between the two leaves a committed but unapplied decision; `rollForward` (run
 * periodically) finds pending cases whose current round already has a decision and applies it.
 * So the audit entry can never be missing for a decision that took effect, and a decision that
 * was committed always takes effect. The follow-up (the round's verification) runs between 1 and 2,
 * on both paths, so it too is never skipped for a decision that took effect.
 */
export class CaseDecisions {
  constructor(
    private readonly cases: ReviewCaseStore,
    private readonly audit: ReviewAuditStore,
    private readonly logger: Logger,
    private readonly followUp: DecisionFollowUp = NO_FOLLOW_UP,
  ) {}

  async decide(caseId: string, request: DecisionRequest & { correlationId: string }): Promise<CaseSummaryView> {
    const decision = validateDecision(request);
    const current = await this.cases.findByCaseId(caseId);
    if (!current.found) throw notFound(REVIEW_ERROR.caseNotFound, 'no such case');
    const id = decisionId(caseId, decision.round);

    const settle = async (recorded: DecisionRecord): Promise<CaseSummaryView> => {
      // The same reviewer repeating the same decision (a retry after a timeout) gets the same answer.
      if (!isSameDecision(recorded, decision)) {
        throw failedPrecondition(REVIEW_ERROR.alreadyDecided, 'another reviewer already decided this round of the case');
      }
      await this.followUp.decisionCommitted(recorded, current);
      await this.cases.applyDecision(current.subjectId, recorded, decision.note);
      this.followUp.decisionApplied(recorded);
      return this.summaryOf(caseId);
    };

    const earlier = await this.audit.get(id);
    if (earlier) return settle(earlier);
    assertDecidable(current, decision);

    const record: DecisionRecord = {
      _id: id,
      caseId,
      round: decision.round,
      fromStatus: current.status,
      toStatus: decision.to,
      reviewerId: decision.reviewerId,
      reasonCode: decision.reasonCode,
      decidedAt: new Date(),
      eventId: randomUUID(),
      correlationId: request.correlationId,
    };
    const claim = await this.audit.claim(record);
    if (!claim.won) return settle(claim.existing);
    await this.followUp.decisionCommitted(record, current);
    await this.cases.applyDecision(current.subjectId, record, decision.note);
    this.followUp.decisionApplied(record);
    this.logger.info(
      { caseId, round: record.round, toStatus: record.toStatus, reviewerId: record.reviewerId, reasonCode: record.reasonCode },
      'case decided',
    );
    return this.summaryOf(caseId);
  }

  /** The case with the decisions of its earlier rounds, for a reviewer. */
  async caseForReview(caseId: string): Promise<{ view: ReviewCaseView; decisions: DecisionRecord[] }> {
    const view = await this.cases.findByCaseId(caseId);
    if (!view.found) throw notFound(REVIEW_ERROR.caseNotFound, 'no such case');
    return { view, decisions: await this.audit.forCase(caseId) };
  }

  /**
   * Applies decisions that were committed but not applied (the decider crashed in between, or on
   * FerretDB a racing write undid the update). Only decisions older than `graceMs` are touched, so
   * an in-flight decision applies itself, with its note. Returns how many were applied.
   */
  async rollForward(graceMs = 10_000): Promise<number> {
    const cutoff = new Date(Date.now() - graceMs);
    const pending = await this.cases.pendingSince(cutoff);
    if (pending.length === 0) return 0;
    const bySubject = new Map(pending.map((p) => [decisionId(p.caseId, p.round), p.subjectId]));
    const committed = await this.audit.byIds([...bySubject.keys()]);
    let applied = 0;
    for (const record of committed) {
      if (record.decidedAt > cutoff) continue;
      try {
        await this.followUp.decisionCommitted(record);
      } catch (err) {
        // Left pending: the next pass tries again, so the case never moves on without its follow-up.
        this.logger.warn({ caseId: record.caseId, round: record.round, err: (err as Error).message }, 'decision follow-up failed; will retry');
        continue;
      }
      if (await this.cases.applyDecision(bySubject.get(record._id)!, record)) {
        applied++;
        this.logger.warn({ caseId: record.caseId, round: record.round }, 'rolled forward a committed but unapplied decision');
      }
      this.followUp.decisionApplied(record);
    }
    const decided = new Set(committed.map((r) => r._id));
    await this.followUp.openMissing(pending.filter((p) => !decided.has(decisionId(p.caseId, p.round))));
    return applied;
  }

  /** Runs rollForward every `everyMs` until stopped. */
  startRollForward(everyMs = 5_000, graceMs = 10_000): { stop(): Promise<void> } {
    let stopped = false;
    let running: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      running = running
        .then(() => (stopped ? 0 : this.rollForward(graceMs)))
        .catch((err: Error) => this.logger.warn({ err: err.message }, 'decision roll-forward failed; will retry'));
    }, everyMs);
    return {
      stop: async () => {
        stopped = true;
        clearInterval(timer);
        await running;
      },
    };
  }

  private async summaryOf(caseId: string): Promise<CaseSummaryView> {
    const summary = await this.cases.summaryByCaseId(caseId);
    if (!summary) throw notFound(REVIEW_ERROR.caseNotFound, 'no such case');
    return summary;
  }
}
