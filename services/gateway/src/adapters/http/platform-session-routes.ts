import { Router } from 'express';
import { z } from 'zod';
import { Logger } from '@kyc/core';
import { PartnerRepository } from '../mongo/partner-repository';
import { SessionRepository } from '../mongo/session-repository';
import { SignedRequest, verifySignedRequest } from './signed-request';

const mintBody = z.object({ user_id: z.string().min(1).max(128) });

/**
 * POST /api/platform/session: a partner, signing like seed 000, obtains a user_sid for one of its
 * users. The user_sid then authorizes that user's seed 002 calls until it expires.
 */
export function platformSessionRoutes(deps: {
  partners: PartnerRepository;
  sessions: SessionRepository;
  sessionTtlSeconds: number;
  maxSkewSeconds: number;
  logger: Logger;
}): Router {
  const router = Router();
  router.post('/api/platform/session', verifySignedRequest(deps), async (req, res) => {
    const body = mintBody.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ code: 400, data: null, message: 'user_id 必填' });
      return;
    }
    const { partner } = req as SignedRequest;
    if (!partner.features.includes('user-validate')) {
      res.status(403).json({ code: 403, data: null, message: '该应用未开通用户认证功能' });
      return;
    }
    const { sid, session } = await deps.sessions.mint(partner.appId, body.data.user_id, deps.sessionTtlSeconds);
    res.status(200).json({
      code: 200,
      data: { user_sid: sid, uid: session.uid, expires_at: session.expiresAt.toISOString() },
      message: 'success',
    });
  });
  return router;
}
