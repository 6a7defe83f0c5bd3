import { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import { review } from '@kyc/contracts';
import { Logger } from '@kyc/core';
import { isEvidenceLocked, missingPhotoTypes } from '../../domain/submission-rules';
import { DownstreamClients } from '../grpc/downstream-clients';
import { SubmissionPublisher } from '../kafka/submission-publisher';
import { SessionRepository } from '../mongo/session-repository';
import { correlationIdOf } from './correlation';
import { replyUserValidate, USER_VALIDATE_RESULT as R } from './user-validate-envelope';

const submitInfoBody = z.object({
  user_sid: z.string().min(1).max(200),
  name: z.string().min(1).max(64),
  idcard_number: z.string().min(1).max(32),
});


/** Seed 002: /user/validate/* — identity info and photos for manual review, authorized by user_sid. */
export function userValidateRoutes(deps: {
  sessions: SessionRepository;
  clients: DownstreamClients;
  publisher: SubmissionPublisher;
  logger: Logger;
}): Router {
  const router = Router();
  const { sessions, clients } = deps;


  router.post('/user/validate/submit_info/', async (req: Request, res: Response) => {
    // The seed wraps fields in "data"; a flat body is accepted too.
    const raw = (req.body && typeof req.body === 'object' && 'data' in req.body ? req.body.data : req.body) ?? {};
    const parsed = submitInfoBody.safeParse(raw);
    if (!parsed.success) return replyUserValidate(res, R.badRequest);
    const session = await sessions.resolve(parsed.data.user_sid);
    if (!session) return replyUserValidate(res, R.sessionNotFound);
    const correlationId = correlationIdOf(req);

    const current = await clients.realnamePattern.unary(
      clients.realnamePattern.raw.getReviewCase,
      { subjectId: session.subjectId },
      { correlationId },
    );
    if (isEvidenceLocked(current.status)) return replyUserValidate(res, R.locked);

    const photos = await clients.photoStorage.unary(clients.photoStorage.raw.listPhotos, { subjectId: session.subjectId }, { correlationId });
    if (missingPhotoTypes(photos.photos.map((p) => p.photoType)).length > 0) return replyUserValidate(res, R.badRequest);

    const verdict = await clients.identityLookup.unary(
      clients.identityLookup.raw.validateIdNumber,
      { idNumber: parsed.data.idcard_number, name: parsed.data.name },
      { correlationId },
    );
    if (!verdict.valid) return replyUserValidate(res, R.badRequest);

    await deps.publisher.infoSubmitted({
      subjectId: session.subjectId,
      partnerId: session.partnerId,
      name: parsed.data.name.trim(),
      idcardNumber: parsed.data.idcard_number.trim().toUpperCase(),
      correlationId,
    });
    replyUserValidate(res, R.ok);
  });

  router.get('/user/validate/fetch_info/', async (req: Request, res: Response) => {
    if (typeof req.query.user_sid !== 'string' || req.query.user_sid === '') return replyUserValidate(res, R.badRequest);
    const session = await sessions.resolve(req.query.user_sid);
    if (!session) return replyUserValidate(res, R.sessionNotFound);
    const [current, photos] = await Promise.all([
      clients.realnamePattern.unary(clients.realnamePattern.raw.getReviewCase, { subjectId: session.subjectId }),
      clients.photoStorage.unary(clients.photoStorage.raw.listPhotos, { subjectId: session.subjectId }),
    ]);
    const submitted = current.found && current.status !== review.ReviewStatus.REVIEW_STATUS_UNSPECIFIED;
    replyUserValidate(res, R.ok, {
      validate_photos_uploaded: photos.photos.map((p) => p.photoType).sort((a, b) => a - b),
      validate_obj: {
        id: current.found ? current.caseNumber : null,
        idcard_number: submitted ? current.idcardNumber : null,
        name: submitted ? current.name : null,
        validate_status: submitted ? current.status : 0,
        uid: session.uid,
      },
    });
  });

  // Anything unexpected on these routes answers in the contract's shape with result 500.
  router.use('/user/validate', (err: Error, _req: Request, res: Response, _next: NextFunction) => {
    deps.logger.error({ err: err.message }, 'user/validate request failed');
    replyUserValidate(res, R.internal);
  });
  return router;
}
