import { realname, review } from '@kyc/contracts';
import { invalidArgument, Logger } from '@kyc/core';
import { ServiceRegistration, unary } from '@kyc/grpc-kit';
import { ReviewCaseRepository } from '../mongo/review-case-repository';

export function realnamePatternGrpc(deps: { cases: ReviewCaseRepository; logger: Logger }): ServiceRegistration {
  const implementation: Pick<realname.RealnamePatternServiceServer, 'getReviewCase'> = {
    getReviewCase: unary(deps.logger, async (req: realname.GetReviewCaseRequest) => {
      if (!req.subjectId) throw invalidArgument('KYC.REQUEST.SUBJECT_REQUIRED', 'subject_id is required');
      const c = await deps.cases.find(req.subjectId);
      return {
        found: c.found,
        caseId: c.caseId,
        caseNumber: c.caseNumber,
        name: c.name,
        idcardNumber: c.idNumber,
        status: c.status as number as review.ReviewStatus,
        rejectReason: c.rejectReason,
      };
    }),
  };
  return {
    name: 'kyc.realname.v1.RealnamePatternService',
    definition: realname.RealnamePatternServiceService,
    implementation: implementation as never,
  };
}
