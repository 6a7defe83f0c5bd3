import { NextFunction, Request, Response } from 'express';
import { Reviewer } from '../mongo/reviewer-repository';
import { sendReviewerError } from './reviewer-errors';

export interface ReviewerAuthenticator {
  authenticate(token: string): Promise<Reviewer | undefined>;
}

const BEARER = /^Bearer ([^\s]{1,200})$/i;

/**
 * Requires `Authorization: Bearer <token>` of an active reviewer (see ReviewerRepository) and
 * puts the reviewer on `res.locals.reviewer`, so every call is attributed to a reviewer id.
 */
export function requireReviewer(authenticator: ReviewerAuthenticator) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const match = BEARER.exec(req.headers.authorization ?? '');
    const reviewer = match ? await authenticator.authenticate(match[1]) : undefined;
    if (!reviewer) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="kyc-reviewer"');
      return sendReviewerError(res, 401, 'KYC.REVIEWER.UNAUTHENTICATED', match ? 'the token is not valid' : 'a bearer token is required');
    }
    res.locals.reviewer = reviewer;
    next();
  };
}

export function reviewerOf(res: Response): Reviewer {
  const reviewer = res.locals.reviewer as Reviewer | undefined;
  if (!reviewer) throw new Error('route is not behind requireReviewer');
  return reviewer;
}
