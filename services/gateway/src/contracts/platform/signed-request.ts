import { NextFunction, Request, Response } from 'express';
import { verifyPartnerSignature } from '../../application/partner-signing';
import { PartnerView } from '../../application/ports';
import { ContractContext } from '../contract';

export type SignedRequest = Request & { partner: PartnerView };

/** Seed 000 request signing on a JSON body; refusals go to the contract's error handler. */
export function verifySignedRequest(ctx: ContractContext) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    (req as SignedRequest).partner = await verifyPartnerSignature(ctx.ports, req.body, ctx.settings.signatureMaxSkewSeconds, (appId) =>
      ctx.logger.warn({ appId }, 'bad request signature'),
    );
    next();
  };
}
