import { NextFunction, Request, Response } from 'express';
import { ErrorKind, isKycError, Logger } from '@kyc/core';

/**
 * Error shape of the reviewer API: `{"error":{"code":"KYC.REVIEW.ALREADY_DECIDED","message":"..."}}`
 * with a matching HTTP status. Codes are the platform's stable KycError codes; messages are our own
 * texts and never contain personal data.
 */
export interface ReviewerErrorBody {
  error: { code: string; message: string };
}

export const HTTP_STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid_argument: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  already_exists: 409,
  // A decision on a case that was decided meanwhile (or resubmitted since): the reviewer must reload.
  failed_precondition: 409,
  resource_exhausted: 429,
  unavailable: 503,
  internal: 500,
};

export function sendReviewerError(res: Response, status: number, code: string, message: string): void {
  const body: ReviewerErrorBody = { error: { code, message } };
  res.status(status).json(body);
}

/** Strips the "callee: " prefix the gRPC client adds, so reviewers read the owner's own message. */
const ownMessage = (message: string) => message.replace(/^(realname-pattern|photo-storage|identity-lookup): /, '');

/** Last error handler of the reviewer app: KycErrors by kind, malformed bodies 400, anything else 500. */
export function reviewerErrorHandler(logger: Logger) {
  return (err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) {
      res.destroy(err);
      return;
    }
    if (isKycError(err)) {
      const status = HTTP_STATUS_OF_KIND[err.kind] ?? 500;
      if (status >= 500) logger.warn({ code: err.code, err: err.message, route: req.route?.path ?? 'unmatched' }, 'reviewer request failed');
      return sendReviewerError(res, status, err.code, status === 500 ? 'internal error' : ownMessage(err.message));
    }
    if (err.type === 'entity.parse.failed') return sendReviewerError(res, 400, 'KYC.REQUEST.MALFORMED_JSON', 'the body is not valid JSON');
    if (err.type === 'entity.too.large') return sendReviewerError(res, 413, 'KYC.REQUEST.TOO_LARGE', 'the body is too large');
    if ((err.status ?? 500) < 500) return sendReviewerError(res, err.status!, 'KYC.REQUEST.INVALID', 'the request is invalid');
    logger.error({ err: err.message, stack: err.stack, route: req.route?.path ?? 'unmatched' }, 'reviewer request failed');
    sendReviewerError(res, 500, 'KYC.INTERNAL', 'internal error');
  };
}
