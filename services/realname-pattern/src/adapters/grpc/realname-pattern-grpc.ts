import { realname, review } from '@kyc/contracts';
import { invalidArgument, Logger } from '@kyc/core';
import { ServiceRegistration, unary } from '@kyc/grpc-kit';
import { CaseDecisions } from '../../application/case-decisions';
import { DecisionRecord, isEvidenceLocked } from '../../domain/review-case';
import { MANUAL_REVIEW, REQUIRED_PHOTO_TYPES } from '../../methods/manual-review/manual-review-method';
import { CaseSummaryView, ReviewCaseRepository } from '../mongo/review-case-repository';

const LIST_DEFAULT = 50;
const LIST_MAX = 200;

const status = (s: number) => s as review.ReviewStatus;

const toSummary = (c: CaseSummaryView): realname.CaseSummary => ({
  caseId: c.caseId,
  caseNumber: c.caseNumber,
  subjectId: c.subjectId,
  partnerId: c.partnerId,
  status: status(c.status),
  submittedAt: c.submittedAt,
  round: c.round,
});

const toDecisionRecord = (d: DecisionRecord): realname.DecisionRecord => ({
  caseId: d.caseId,
  round: d.round,
  fromStatus: status(d.fromStatus),
  toStatus: status(d.toStatus),
  reviewerId: d.reviewerId,
  reasonCode: d.reasonCode,
  decidedAt: d.decidedAt,
});

const correlationOf = (metadata: { get(key: string): unknown[] }) => String(metadata.get('x-correlation-id')[0] ?? '');

export function realnamePatternGrpc(deps: { cases: ReviewCaseRepository; decisions: CaseDecisions; logger: Logger }): ServiceRegistration {
  const { cases, decisions, logger } = deps;
  const implementation: realname.RealnamePatternServiceServer = {
    getReviewCase: unary(logger, async (req: realname.GetReviewCaseRequest) => {
      if (!req.subjectId) throw invalidArgument('KYC.REQUEST.SUBJECT_REQUIRED', 'subject_id is required');
      const c = await cases.find(req.subjectId);
      return {
        found: c.found,
        caseId: c.caseId,
        caseNumber: c.caseNumber,
        name: c.name,
        idcardNumber: c.idNumber,
        status: status(c.status),
        rejectReason: c.rejectReason,
        rejectReasonCode: c.rejectReasonCode,
        round: c.round,
        evidenceLocked: c.found && isEvidenceLocked(c.status),
        requiredPhotoTypes: [...REQUIRED_PHOTO_TYPES],
      };
    }),

    listPendingCases: unary(logger, async (req: realname.ListPendingCasesRequest) => {
      if (req.limit < 0) throw invalidArgument('KYC.REQUEST.LIMIT_INVALID', 'limit must not be negative');
      const limit = Math.min(req.limit || LIST_DEFAULT, LIST_MAX);
      return { cases: (await cases.listPending(limit)).map(toSummary) };
    }),

    getCaseForReview: unary(logger, async (req: realname.GetCaseForReviewRequest) => {
      if (!req.caseId) throw invalidArgument('KYC.REQUEST.CASE_REQUIRED', 'case_id is required');
      const { view, decisions: history } = await decisions.caseForReview(req.caseId);
      return {
        summary: toSummary(view),
        name: view.name,
        idcardNumber: view.idNumber,
        rejectReason: view.rejectReason,
        rejectReasonCode: view.rejectReasonCode,
        decisions: history.map(toDecisionRecord),
        details: view.extras?.details ?? {},
        method: view.extras?.method || MANUAL_REVIEW,
      };
    }),

    decideCase: unary(logger, async (req: realname.DecideCaseRequest, call) => {
      if (!req.caseId) throw invalidArgument('KYC.REQUEST.CASE_REQUIRED', 'case_id is required');
      const summary = await decisions.decide(req.caseId, {
        decision: req.decision,
        round: req.round,
        reviewerId: req.reviewerId,
        reasonCode: req.reasonCode,
        note: req.reason,
        correlationId: req.correlationId || correlationOf(call.metadata),
      });
      return { summary: toSummary(summary) };
    }),
  };
  return {
    name: 'kyc.realname.v1.RealnamePatternService',
    definition: realname.RealnamePatternServiceService,
    implementation: implementation as never,
  };
}
