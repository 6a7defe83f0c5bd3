import { randomBytes } from 'node:crypto';
import { Response } from 'express';

/**
 * OSS's own error answers, which OSS clients parse (ali-oss turns `<Code>` into `err.code` and
 * `err.name = Code + "Error"`): an XML `<Error>` document with Code, Message, RequestId and HostId,
 * the HTTP status OSS uses for that code, and the request id also in `x-oss-request-id`.
 */
export const OSS_ERRORS = {
  accessDenied: { status: 403, code: 'AccessDenied' },
  invalidAccessKeyId: { status: 403, code: 'InvalidAccessKeyId' },
  invalidSecurityToken: { status: 403, code: 'InvalidSecurityToken' },
  securityTokenExpired: { status: 403, code: 'SecurityTokenExpired' },
  keyAndTokenMismatch: { status: 403, code: 'AccessKeyIdAndSecurityTokenNotMatch' },
  signatureDoesNotMatch: { status: 403, code: 'SignatureDoesNotMatch' },
  requestTimeTooSkewed: { status: 403, code: 'RequestTimeTooSkewed' },
  invalidArgument: { status: 400, code: 'InvalidArgument' },
  invalidObjectName: { status: 400, code: 'InvalidObjectName' },
  invalidDigest: { status: 400, code: 'InvalidDigest' },
  badDigest: { status: 400, code: 'BadDigest' },
  entityTooLarge: { status: 400, code: 'EntityTooLarge' },
  incompleteBody: { status: 400, code: 'IncompleteBody' },
  missingContentLength: { status: 411, code: 'MissingContentLength' },
  noSuchBucket: { status: 404, code: 'NoSuchBucket' },
  noSuchKey: { status: 404, code: 'NoSuchKey' },
  methodNotAllowed: { status: 405, code: 'MethodNotAllowed' },
  tooManyRequests: { status: 503, code: 'SlowDown' },
  serviceUnavailable: { status: 503, code: 'ServiceUnavailable' },
  internalError: { status: 500, code: 'InternalError' },
} as const;

export type OssErrorKind = (typeof OSS_ERRORS)[keyof typeof OSS_ERRORS];

/** A refusal on the way to an answer, carried as a value so each route has one place that replies. */
export class OssError extends Error {
  constructor(
    readonly kind: OssErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'OssError';
  }
}

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** OSS request ids are 24 upper-case hex characters. */
export const newRequestId = () => randomBytes(12).toString('hex').toUpperCase();

export function ossErrorXml(kind: OssErrorKind, message: string, requestId: string, hostId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n' +
    `  <Code>${kind.code}</Code>\n` +
    `  <Message>${xmlEscape(message)}</Message>\n` +
    `  <RequestId>${requestId}</RequestId>\n` +
    `  <HostId>${xmlEscape(hostId)}</HostId>\n` +
    '</Error>\n'
  );
}

/** Writes an OSS error (a HEAD answer carries the status and headers only, as OSS does). */
export function replyOssError(res: Response, err: OssError, hostId: string): void {
  if (res.headersSent) return void res.destroy();
  const requestId = String(res.getHeader('x-oss-request-id') ?? newRequestId());
  const body = ossErrorXml(err.kind, err.message, requestId, hostId);
  res.status(err.kind.status).set({
    'Content-Type': 'application/xml',
    'x-oss-request-id': requestId,
    'Cache-Control': 'no-store',
  });
  if (res.req?.method === 'HEAD') return void res.end();
  res.send(body);
}
