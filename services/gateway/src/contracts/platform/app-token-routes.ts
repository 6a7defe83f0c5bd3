import { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import { requireFeature } from '../../application/partner-signing';
import { ContractContext } from '../contract';
import { replyPlatform } from './envelope';
import { platformErrorOf } from './errors';
import { SignedRequest, verifySignedRequest } from './signed-request';

/** The feature of seed 003's campus contract (ucenter), whose result query takes an app access token. */
const CAMPUS_AUTH_FEATURE = 'campus-auth';

const tokenBody = z.object({ grant_type: z.literal('client_credentials') });

/**
 * POST /api/platform/app-token: client credentials. A partner, signing like seed 000 with its
 * app_id and secret, obtains an app access token for seed 003's result query. It names the
 * partner only (no user) and stops working when it expires.
 */
export function appTokenRoutes(ctx: ContractContext): Router {
  const router = Router();
  router.post('/api/platform/app-token', verifySignedRequest(ctx), async (req, res) => {
    if (!tokenBody.safeParse(req.body).success) return replyPlatform(res, 400, null, 'grant_type 必须为 client_credentials');
    const { partner } = req as SignedRequest;
    requireFeature(partner, CAMPUS_AUTH_FEATURE);
    const ttlSeconds = ctx.settings.sessionTtlSeconds;
    const { token, expiresAt } = await ctx.ports.appTokens.mint(partner.appId, ttlSeconds);
    replyPlatform(res, 200, { access_token: token, token_type: 'app', expires_in: ttlSeconds, expires_at: expiresAt.toISOString() }, 'success');
  });
  router.use('/api/platform/app-token', (err: Error, _req: Request, res: Response, _next: NextFunction) => {
    const [status, message] = platformErrorOf(err);
    if (status === 500) ctx.logger.error({ err: err.message }, 'app token request failed');
    replyPlatform(res, status, null, message);
  });
  return router;
}
