import { NextFunction, Request, Response, Router } from 'express';
import { isKycError } from '@kyc/core';
import { z } from 'zod';
import { REDACTION_ERRORS, redactionProgress, requestRedaction } from '../../application/partner-redactions';
import { verifyPartnerSignature } from '../../application/partner-signing';
import { PartnerRedactionsPort } from '../../application/ports';
import { RedactionProgress } from '../../domain/redaction';
import { ContractContext } from '../contract';
import { replyPlatform } from './envelope';
import { platformErrorOf } from './errors';
import { SignedRequest, verifySignedRequest } from './signed-request';

const REDACTION_PATH = '/api/platform/redaction';

const requestBody = z.object({ user_id: z.string().min(1).max(128) });
const progressQuery = z.object({ redaction_id: z.string().min(1).max(64) });

const ERRORS: Record<string, [number, string]> = {
  [REDACTION_ERRORS.userNotFound]: [404, '用户不存在'],
  [REDACTION_ERRORS.redactionNotFound]: [404, '删除请求不存在'],
};

function answerOf(p: RedactionProgress) {
  return {
    redaction_id: p.redactionId,
    status: p.status,
    requested_at: p.requestedAt.toISOString(),
    completed_at: p.completedAt?.toISOString() ?? null,
    services: p.services.map((s) => ({ service: s.service, status: s.status, completed_at: s.completedAt?.toISOString() ?? null })),
  };
}

/**
 * POST /api/platform/redaction: a partner, signing like seed 000, deletes one of its users'
 * personal data across the platform (202: the services erase it asynchronously).
 * GET /api/platform/redaction?redaction_id=…: its progress per service, signed over the query.
 */
export function redactionRoutes(ctx: ContractContext): Router {
  const router = Router();
  const redactions = (): PartnerRedactionsPort => {
    if (!ctx.ports.redactions) throw new Error('redactions are not wired');
    return ctx.ports.redactions;
  };
  router.post(REDACTION_PATH, verifySignedRequest(ctx), async (req, res) => {
    const body = requestBody.safeParse(req.body);
    if (!body.success) return replyPlatform(res, 400, null, 'user_id 必填');
    const { progress } = await requestRedaction({ subjects: ctx.ports.subjects, redactions: redactions() }, (req as SignedRequest).partner, body.data.user_id);
    replyPlatform(res, 202, answerOf(progress), 'accepted');
  });
  router.get(
    REDACTION_PATH,
    // The signature covers the query string's parameters, as it covers a POST's body.
    async (req: Request, _res: Response, next: NextFunction) => {
      (req as SignedRequest).partner = await verifyPartnerSignature(ctx.ports, req.query, ctx.settings.signatureMaxSkewSeconds, (appId) =>
        ctx.logger.warn({ appId }, 'bad request signature'),
      );
      next();
    },
    async (req, res) => {
      const query = progressQuery.safeParse(req.query);
      if (!query.success) return replyPlatform(res, 400, null, 'redaction_id 必填');
      const progress = await redactionProgress({ redactions: redactions() }, (req as SignedRequest).partner, query.data.redaction_id);
      replyPlatform(res, 200, answerOf(progress), progress.status === 'completed' ? 'completed' : 'processing');
    },
  );
  router.use(REDACTION_PATH, (err: Error, _req: Request, res: Response, _next: NextFunction) => {
    const [status, message] = (isKycError(err) && ERRORS[err.code]) || platformErrorOf(err);
    if (status === 500) ctx.logger.error({ err: err.message }, 'redaction request failed');
    replyPlatform(res, status, null, message);
  });
  return router;
}
