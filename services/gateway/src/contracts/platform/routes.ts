import { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import { requireFeature } from '../../application/partner-signing';
import { mintUserSession } from '../../application/platform-sessions';
import { ContractContext } from '../contract';
import { replyPlatform } from './envelope';
import { platformErrorOf } from './errors';
import { SignedRequest, verifySignedRequest } from './signed-request';

const mintBody = z.object({ user_id: z.string().min(1).max(128) });

/**
 * POST /api/platform/session: a partner, signing like seed 000, obtains a user_sid for one of its
 * users. The user_sid then authorizes that user's seed 002 calls until it expires.
 */
export function platformSessionRoutes(ctx: ContractContext): Router {
  const router = Router();
  router.post('/api/platform/session', verifySignedRequest(ctx), async (req, res) => {
    const body = mintBody.safeParse(req.body);
    if (!body.success) return replyPlatform(res, 400, null, 'user_id 必填');
    const { partner } = req as SignedRequest;
    requireFeature(partner, 'user-validate');
    const { sid, session } = await mintUserSession(ctx.ports, partner, body.data.user_id, ctx.settings.sessionTtlSeconds);
    replyPlatform(res, 200, { user_sid: sid, uid: session.uid, expires_at: session.expiresAt.toISOString() }, 'success');
  });
  router.use('/api/platform/session', (err: Error, _req: Request, res: Response, _next: NextFunction) => {
    const [status, message] = platformErrorOf(err);
    if (status === 500) ctx.logger.error({ err: err.message }, 'session request failed');
    replyPlatform(res, status, null, message);
  });
  return router;
}
