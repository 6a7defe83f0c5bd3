import { Request, Response, Router } from 'express';
import { z } from 'zod';
import { photo, realname, review } from '@kyc/contracts';
import { invalidArgument, Logger } from '@kyc/core';
import { DownstreamClients } from '../grpc/downstream-clients';
import { correlationIdOf } from './correlation';
import { streamPhotoDownload } from './photo-download';
import { protoInt32, protoInt32Param } from './proto-numbers';
import { reviewerOf } from './reviewer-auth';

/**
 * Reviewer API v1 (its own port; see createReviewerApp). JSON in and out; errors are
 * `{"error":{"code","message"}}` with a matching HTTP status. Every route needs a reviewer's
 * bearer token and every call is logged with the reviewer id.
 *
 *   GET  /reviewer/v1/me                                  who the token belongs to
 *   GET  /reviewer/v1/cases?status=pending&limit=50       pending cases, oldest submission first
 *   GET  /reviewer/v1/cases/:caseId                       the case: identity (with seed 001's extra fields), photos, earlier decisions
 *   GET  /reviewer/v1/cases/:caseId/photos/:photoType     one photo's bytes (streamed from photo-storage)
 *   POST /reviewer/v1/cases/:caseId/decision              approve, or reject with a reason
 *        {"decision":"approve","round":1}
 *        {"decision":"reject","round":1,"reason_code":"PHOTO_UNREADABLE","reason":"optional note"}
 *
 * A decision names the submission `round` the reviewer looked at (from the case). It answers 409
 * KYC.REVIEW.ALREADY_DECIDED when another decision on that round won, and 409 KYC.REVIEW.STALE_ROUND
 * when the case was resubmitted since. Rejection reason codes: PHOTO_UNREADABLE, PHOTO_MISMATCH,
 * INFO_MISMATCH, DOCUMENT_INVALID, DOCUMENT_EXPIRED, SUSPECTED_FRAUD, OTHER. The optional note is
 * shown to the subject's partner and may therefore be read by the subject; it is stored encrypted
 * and never put into events or the audit trail.
 */

const STATUS_NAMES: Record<number, string> = {
  [review.ReviewStatus.REVIEW_STATUS_UNSPECIFIED]: 'draft',
  [review.ReviewStatus.REVIEW_STATUS_PENDING]: 'pending',
  [review.ReviewStatus.REVIEW_STATUS_APPROVED]: 'approved',
  [review.ReviewStatus.REVIEW_STATUS_REJECTED]: 'rejected',
};

const caseIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a case id');

const listQuery = z.object({
  status: z.enum(['pending']).default('pending'),
  limit: protoInt32Param(1).max(200).default(50),
});

const photoParams = z.object({
  caseId: caseIdParam,
  photoType: protoInt32Param(0).max(15),
});

const decisionBody = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('approve'), round: protoInt32(1) }),
  z.strictObject({
    decision: z.literal('reject'),
    round: protoInt32(1),
    reason_code: z.string().regex(/^[A-Z][A-Z_]{1,39}$/, 'a reason code such as PHOTO_UNREADABLE'),
    reason: z.string().max(500).optional(),
  }),
]);

/** Parses input or throws INVALID_ARGUMENT naming the offending fields (never echoing values). */
function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const detail = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
  throw invalidArgument('KYC.REVIEWER.INVALID_REQUEST', detail);
}

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);

export function caseJson(s: realname.CaseSummary | undefined) {
  if (!s) return null;
  return {
    case_id: s.caseId,
    case_number: s.caseNumber,
    partner_id: s.partnerId,
    status: STATUS_NAMES[s.status] ?? 'unknown',
    validate_status: s.status,
    round: s.round,
    submitted_at: iso(s.submittedAt),
  };
}

const decisionJson = (d: realname.DecisionRecord) => ({
  round: d.round,
  from_status: STATUS_NAMES[d.fromStatus] ?? 'unknown',
  to_status: STATUS_NAMES[d.toStatus] ?? 'unknown',
  reviewer_id: d.reviewerId,
  reason_code: d.reasonCode || null,
  decided_at: iso(d.decidedAt),
});

const photoJson = (caseId: string, p: photo.PhotoSummary) => ({
  photo_type: p.photoType,
  content_type: p.contentType,
  size_bytes: p.sizeBytes,
  width: p.width,
  height: p.height,
  href: `/reviewer/v1/cases/${encodeURIComponent(caseId)}/photos/${p.photoType}`,
});

const correlationOf = (req: Request, res: Response): string => {
  const id = correlationIdOf(req);
  res.setHeader('X-Correlation-Id', id);
  return id;
};

export function reviewerRoutes(deps: {
  clients: Pick<DownstreamClients, 'realnamePattern' | 'photoStorage'>;
  logger: Logger;
  /** Deadline of one photo download (the whole stream). */
  photoDeadlineMs?: number;
}): Router {
  const router = Router();
  const { realnamePattern: cases, photoStorage: photos } = deps.clients;
  const photoDeadlineMs = deps.photoDeadlineMs ?? 30_000;

  const caseForReview = (caseId: string, correlationId: string) =>
    cases.unary(cases.raw.getCaseForReview, { caseId }, { correlationId });

  router.get('/reviewer/v1/me', (_req, res) => {
    const reviewer = reviewerOf(res);
    res.json({ reviewer: { reviewer_id: reviewer.id, name: reviewer.name } });
  });

  router.get('/reviewer/v1/cases', async (req, res) => {
    const query = parse(listQuery, req.query);
    const list = await cases.unary(cases.raw.listPendingCases, { limit: query.limit }, { correlationId: correlationOf(req, res) });
    res.json({ cases: list.cases.map(caseJson) });
  });

  router.get('/reviewer/v1/cases/:caseId', async (req, res) => {
    const caseId = parse(caseIdParam, req.params.caseId);
    const correlationId = correlationOf(req, res);
    const detail = await caseForReview(caseId, correlationId);
    const subjectId = detail.summary?.subjectId ?? '';
    const uploaded = await photos.unary(photos.raw.listPhotos, { subjectId }, { correlationId });
    deps.logger.info({ reviewerId: reviewerOf(res).id, caseId, correlationId }, 'reviewer opened a case');
    res.json({
      case: {
        ...caseJson(detail.summary),
        name: detail.name,
        idcard_number: detail.idcardNumber,
        reject_reason_code: detail.rejectReasonCode || null,
        reject_reason: detail.rejectReason || null,
        // What the round carries beyond name and number (seed 001's four steps), and its method.
        method: detail.method || 'manual-review',
        details: detail.details ?? {},
      },
      photos: uploaded.photos.sort((a, b) => a.photoType - b.photoType).map((p) => photoJson(caseId, p)),
      decisions: detail.decisions.map(decisionJson),
    });
  });

  router.get('/reviewer/v1/cases/:caseId/photos/:photoType', async (req, res) => {
    const { caseId, photoType } = parse(photoParams, req.params);
    const correlationId = correlationOf(req, res);
    const detail = await caseForReview(caseId, correlationId);
    const sent = await streamPhotoDownload({
      photoStorage: photos,
      request: { subjectId: detail.summary?.subjectId ?? '', photoType },
      correlationId,
      deadlineMs: photoDeadlineMs,
      res,
      headers: { 'Content-Disposition': `inline; filename="case-${caseId}-photo-${photoType}"` },
      logger: deps.logger,
    });
    if (!sent) return;
    deps.logger.info({ reviewerId: reviewerOf(res).id, caseId, photoType, correlationId }, 'reviewer viewed a photo');
  });

  router.post('/reviewer/v1/cases/:caseId/decision', async (req, res) => {
    const caseId = parse(caseIdParam, req.params.caseId);
    const body = parse(decisionBody, req.body);
    const reviewer = reviewerOf(res);
    const correlationId = correlationOf(req, res);
    const decided = await cases.unary(
      cases.raw.decideCase,
      {
        caseId,
        decision: body.decision === 'approve' ? review.ReviewStatus.REVIEW_STATUS_APPROVED : review.ReviewStatus.REVIEW_STATUS_REJECTED,
        reasonCode: body.decision === 'reject' ? body.reason_code : '',
        reason: body.decision === 'reject' ? (body.reason ?? '') : '',
        reviewerId: reviewer.id,
        round: body.round,
        correlationId,
      },
      { correlationId },
    );
    deps.logger.info({ reviewerId: reviewer.id, caseId, round: body.round, decision: body.decision, correlationId }, 'reviewer decided a case');
    res.json({ case: caseJson(decided.summary) });
  });

  return router;
}
