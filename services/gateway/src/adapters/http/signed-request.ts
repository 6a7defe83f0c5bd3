import { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { Logger } from '@kyc/core';
import { signatureMatches, timestampFresh } from '../../domain/request-signing';
import { Partner, PartnerRepository } from '../mongo/partner-repository';
import { SessionRepository } from '../mongo/session-repository';

const signedFields = z.object({
  app_id: z.string().min(1).max(64),
  nonce_str: z.string().min(8).max(64),
  time_stamp: z.union([z.string(), z.number()]).transform(String),
  sign: z.string().min(1).max(128),
});

export type SignedRequest = Request & { partner: Partner };

/**
 * Verifies seed 000's request signing on a JSON body: known active partner, fresh timestamp,
 * matching signature (constant time), and a nonce never seen before, in that order so that
 * unsigned traffic cannot burn nonces. Failures answer in the {code,data,message} shape.
 */
export function verifySignedRequest(deps: {
  partners: PartnerRepository;
  sessions: SessionRepository;
  maxSkewSeconds: number;
  logger: Logger;
}) {
  const deny = (res: Response, message: string) => res.status(401).json({ code: 401, data: null, message });
  return async (req: Request, res: Response, next: NextFunction) => {
    const parsed = signedFields.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ code: 400, data: null, message: '缺少签名参数 app_id, nonce_str, time_stamp, sign' });
      return;
    }
    const { app_id, nonce_str, time_stamp, sign } = parsed.data;
    const partner = await deps.partners.find(app_id);
    if (!partner || !partner.active) return deny(res, 'app_id 无效');
    if (!timestampFresh(time_stamp, deps.maxSkewSeconds)) return deny(res, '时间戳已过期');
    if (!signatureMatches(partner.secret(), req.body as Record<string, unknown>, sign)) {
      deps.logger.warn({ appId: app_id }, 'bad request signature');
      return deny(res, '签名错误');
    }
    if (!(await deps.sessions.claimNonce(app_id, nonce_str, deps.maxSkewSeconds * 2))) return deny(res, '重复的请求');
    (req as SignedRequest).partner = partner;
    next();
  };
}
