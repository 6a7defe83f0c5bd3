import { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import { fetchIdentityInfo, submitIdentityInfo } from '../../application/identity-submissions';
import { ContractContext } from '../contract';
import { correlationIdOf } from '../correlation';
import { replyUserValidate, USER_VALIDATE_RESULT as R } from './envelope';
import { userValidateResultOf } from './errors';

const submitInfoBody = z.object({
  user_sid: z.string().min(1).max(200),
  name: z.string().min(1).max(64),
  idcard_number: z.string().min(1).max(32),
});

/** Seed 002: submit_info and fetch_info, authorized by user_sid. */
export function userValidateInfoRoutes(ctx: ContractContext): Router {
  const router = Router();
  const { ports } = ctx;

  router.post('/user/validate/submit_info/', async (req: Request, res: Response) => {
    // The seed wraps fields in "data"; a flat body is accepted too.
    const raw = (req.body && typeof req.body === 'object' && 'data' in req.body ? req.body.data : req.body) ?? {};
    const parsed = submitInfoBody.safeParse(raw);
    if (!parsed.success) return replyUserValidate(res, R.badRequest);
    await submitIdentityInfo(ports, {
      sid: parsed.data.user_sid,
      name: parsed.data.name,
      idcardNumber: parsed.data.idcard_number,
      correlationId: correlationIdOf(req),
    });
    replyUserValidate(res, R.ok);
  });

  router.get('/user/validate/fetch_info/', async (req: Request, res: Response) => {
    if (typeof req.query.user_sid !== 'string' || req.query.user_sid === '') return replyUserValidate(res, R.badRequest);
    const { uid, photoTypes, reviewCase } = await fetchIdentityInfo(ports, req.query.user_sid, correlationIdOf(req));
    const submitted = reviewCase.validateStatus !== 0;
    replyUserValidate(res, R.ok, {
      validate_photos_uploaded: photoTypes,
      validate_obj: {
        id: reviewCase.found ? reviewCase.caseNumber : null,
        idcard_number: submitted ? reviewCase.idcardNumber : null,
        name: submitted ? reviewCase.name : null,
        validate_status: reviewCase.validateStatus,
        uid,
      },
    });
  });

  // Refusals and unexpected failures answer in the contract's shape through its error table.
  router.use('/user/validate', (err: Error, _req: Request, res: Response, _next: NextFunction) => {
    const result = userValidateResultOf(err);
    if (result === R.internal) ctx.logger.error({ err: err.message }, 'user/validate request failed');
    replyUserValidate(res, result);
  });
  return router;
}
