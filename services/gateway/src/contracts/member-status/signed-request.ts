import { NextFunction, Request, Response } from 'express';
import { requireFeature, verifyPartnerSignature } from '../../application/partner-signing';
import { PartnerView } from '../../application/ports';
import { ContractContext } from '../contract';

export type SignedMemberRequest = Request & { partner: PartnerView };

/** Seed 000 request signing plus the contract's feature; refusals go to the contract's error handler. */
export function verifySignedMemberRequest(ctx: ContractContext, feature: string) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const partner = await verifyPartnerSignature(ctx.ports, req.body, ctx.settings.signatureMaxSkewSeconds, (appId) =>
      ctx.logger.warn({ appId }, 'bad request signature'),
    );
    requireFeature(partner, feature);
    (req as SignedMemberRequest).partner = partner;
    next();
  };
}
