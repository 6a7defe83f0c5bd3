import { Logger } from '@kyc/core';
import { CaseStatus, DecisionRecord, decisionId } from '../domain/review-case';
import { beginProcessing, startVerification, Verification } from '../domain/verification';
import { DOCUMENT_REVIEW, documentEvidence } from '../methods/document-review/document-review-method';
import { MANUAL_REVIEW, reviewEvidence } from '../methods/manual-review/manual-review-method';
import { MethodRegistry } from '../methods/registry';
import { ReviewCaseStore, ReviewCaseView, VerificationStore } from './ports';

/** The manual-review verification of a case round has the id of that round's decision: "<caseId>:<round>". */
export const reviewVerificationId = decisionId;

/**
 * Links seed 002's review cases to the verification core: each submitted round of a case is one
 * `manual-review` verification, created in PROCESSING when the round opens and finished from the
 * reviewer's decision.
 *
 * Crash safety, without transactions:
 * - Opening is idempotent (the id is the round's): the submission consumer opens it after storing
 *   the round, a redelivered submission finds it, and the decision roll-forward opens it for any
 *   pending round still without one (a crash between storing the round and opening it).
 * - A committed decision is recorded on the verification *before* it is applied to the case, and
 *   the roll-forward of committed-but-unapplied decisions records it too; so a decided case never
 *   leaves its verification waiting. Recording makes the verification due; the processing loop
 *   (leases, retries) finishes it, so identity-lookup being down only delays the completion.
 */
export class ReviewVerifications {
  constructor(
    private readonly deps: {
      store: VerificationStore;
      cases: ReviewCaseStore;
      methods: MethodRegistry;
      /** Processes a verification now (its decision was just recorded and applied). */
      kick: (verificationId: string) => void;
      logger: Logger;
    },
  ) {}

  /** After a submission was handled (applied or a redelivery): the verification of the case's pending round. */
  async openForCurrentRound(subjectId: string, correlationId: string): Promise<void> {
    const reviewCase = await this.deps.cases.find(subjectId);
    if (!reviewCase.found || reviewCase.status !== CaseStatus.Pending) return;
    await this.open(reviewCase, correlationId);
  }

  /** The round's verification, created (with VerificationStarted in its outbox) unless it exists. */
  async open(reviewCase: ReviewCaseView, correlationId: string): Promise<{ verification: Verification; created: boolean }> {
    const { store, methods, logger } = this.deps;
    // Seed 002 rounds are manual-review; seed 001's four steps name their own method.
    const method = methods.get(reviewCase.extras?.method || MANUAL_REVIEW);
    const claim = method.validateClaim({ name: reviewCase.name, idNumber: reviewCase.idNumber, mobile: '' });
    const now = new Date();
    const { verification, event } = startVerification(
      {
        id: reviewVerificationId(reviewCase.caseId, reviewCase.round),
        subjectId: reviewCase.subjectId,
        partnerId: reviewCase.partnerId,
        method: method.name,
        evidenceIds: method.name === DOCUMENT_REVIEW ? documentEvidence(reviewCase.subjectId) : reviewEvidence(reviewCase.subjectId),
        partnerReference: '',
        callbackUrl: '',
      },
      now,
    );
    // The reviewers' queue is the processing: it is PROCESSING from the start.
    const result = await store.insertStarted({
      verification: beginProcessing(verification, now),
      claim,
      idempotencyKey: '',
      event,
      correlationId,
      awaitsExternalDecision: true,
    });
    if (result.created) {
      logger.info({ verificationId: verification.id, subjectId: verification.subjectId, method: method.name, round: reviewCase.round }, 'verification started');
    }
    return result;
  }

  /**
   * Records a committed decision on its round's verification (opening it first if the round never
   * got one). Idempotent. Throws when it cannot be recorded: the caller must then not apply the
   * decision to the case, so that the roll-forward, which sees only pending cases, tries again.
   */
  async decisionCommitted(record: DecisionRecord, reviewCase?: ReviewCaseView): Promise<void> {
    const { store, cases, logger } = this.deps;
    const id = reviewVerificationId(record.caseId, record.round);
    if ((await store.existingIds([id])).length === 0) {
      const c = reviewCase?.found ? reviewCase : await cases.findByCaseId(record.caseId);
      if (!c.found || c.round !== record.round) {
        // The case moved on to another round: this round's decision was applied long ago.
        logger.warn({ caseId: record.caseId, round: record.round }, 'no verification for a decided round; the case is at another round');
        return;
      }
      await this.open(c, record.correlationId);
    }
    await store.recordExternalDecision(id, {
      reviewDecision: record.toStatus === CaseStatus.Approved ? 'approved' : 'rejected',
      reviewReasonCode: record.reasonCode,
      reviewDecidedAt: record.decidedAt,
    });
  }

  /** After the case applied the decision: finish the verification now rather than at the next sweep. */
  decisionApplied(record: DecisionRecord): void {
    this.deps.kick(reviewVerificationId(record.caseId, record.round));
  }

  /** Opens the verification of every pending round that has none (its opener crashed). Returns how many. */
  async openMissing(rounds: { subjectId: string; caseId: string; round: number }[]): Promise<number> {
    if (rounds.length === 0) return 0;
    const existing = new Set(await this.deps.store.existingIds(rounds.map((r) => reviewVerificationId(r.caseId, r.round))));
    let opened = 0;
    for (const r of rounds) {
      if (existing.has(reviewVerificationId(r.caseId, r.round))) continue;
      const reviewCase = await this.deps.cases.find(r.subjectId);
      if (!reviewCase.found || reviewCase.status !== CaseStatus.Pending || reviewCase.round !== r.round) continue;
      if ((await this.open(reviewCase, '')).created) {
        opened++;
        this.deps.logger.warn({ caseId: r.caseId, round: r.round }, 'opened the missing verification of a pending review round');
      }
    }
    return opened;
  }
}
