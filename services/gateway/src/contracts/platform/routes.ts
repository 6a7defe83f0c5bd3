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
 * POST /api/platform/session: a partner, signing like seed 000, obtains a session for one of its
 * users. It authorizes that user's seed 002 calls (as user_sid) and seed 001 calls (as uid + token)
 * until it expires.
 */
export function platformSessionRoutes(ctx: ContractContext): Router {
  const router = Router();
  router.post('/api/platform/session', verifySignedRequest(ctx), async (req, res) => {
    const body = mintBody.safeParse(req.body);
    if (!body.success) return replyPlatform(res, 400, null, 'user_id 必填');
    const { partner } = req as SignedRequest;
    requireFeature(partner, 'user-validate');
    const { sid, session } = await mintUserSession(ctx.ports, partner, body.data.user_id, ctx.settings.sessionTtlSeconds);
    // Seed 001 apps present the same session as uid (Long) + token; the token is the same secret.
    // Seed 003 apps present it as access_token, and know the user as guid (the uid, in decimal).
    replyPlatform(
      res,
      200,
      { user_sid: sid, uid: session.uid, token: sid, access_token: sid, guid: String(session.uid), expires_at: session.expiresAt.toISOString() },
      'success',
    );
  });
  router.use('/api/platform/session', (err: Error, _req: Request, res: Response, _next: NextFunction) => {
    const [status, message] = platformErrorOf(err);
    if (status === 500) ctx.logger.error({ err: err.message }, 'session request failed');
    replyPlatform(res, status, null, message);
  });
  return router;
}
