import { realname, review } from '@kyc/contracts';
import { createLogger } from '@kyc/core';
import { CaseDecisions } from '../../application/case-decisions';
import { ReviewCaseView } from '../../application/ports';
import { CaseStatus } from '../../domain/review-case';
import { ReviewCaseRepository } from '../mongo/review-case-repository';
import { realnamePatternGrpc } from './realname-pattern-grpc';

const view = (status: CaseStatus, found = true): ReviewCaseView => ({
  found,
  caseId: found ? 'c1' : '',
  caseNumber: found ? 7 : 0,
  subjectId: found ? 's1' : '',
  partnerId: found ? 'p1' : '',
  status,
  round: status === CaseStatus.Draft ? 0 : 1,
  name: '',
  idNumber: '',
  rejectReason: '',
  rejectReasonCode: '',
});

function getReviewCase(current: ReviewCaseView): Promise<realname.GetReviewCaseResponse> {
  const cases = { find: async () => current } as unknown as ReviewCaseRepository;
  const service = realnamePatternGrpc({ cases, decisions: {} as CaseDecisions, logger: createLogger('test', 'silent') });
  const impl = service.implementation as unknown as realname.RealnamePatternServiceServer;
  return new Promise((resolve, reject) =>
    impl.getReviewCase({ request: { subjectId: 's1' } } as never, (err, res) => (err ? reject(err) : resolve(res!))),
  );
}

describe('GetReviewCase', () => {
  it.each([
    ['no case yet', view(CaseStatus.Draft, false), false],
    ['a case never submitted', view(CaseStatus.Draft), false],
    ['a pending case', view(CaseStatus.Pending), true],
    ['an approved case', view(CaseStatus.Approved), true],
    ['a rejected case', view(CaseStatus.Rejected), false],
  ])('when the subject has %s, then evidence_locked is %s', async (_what, current, locked) => {
    expect((await getReviewCase(current)).evidenceLocked).toBe(locked);
  });

  it('when asked, then it names the hand-held (0) and ID-front (1) photos as required, also before any case exists', async () => {
    expect((await getReviewCase(view(CaseStatus.Draft, false))).requiredPhotoTypes).toEqual([0, 1]);
    const pending = await getReviewCase(view(CaseStatus.Pending));
    expect(pending.requiredPhotoTypes).toEqual([0, 1]);
    expect(pending.status).toBe(review.ReviewStatus.REVIEW_STATUS_PENDING);
  });
});
