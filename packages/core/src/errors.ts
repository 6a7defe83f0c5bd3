/**
 * One error base class for the whole platform. The code is stable (clients and dashboards key on
 * it); `retriable` tells consumers and breakers whether trying again can help. Codes are mapped
 * to gRPC statuses here and to each partner contract's shape only at the gateway's edges.
 */
export type ErrorKind =
  | 'invalid_argument'
  | 'not_found'
  | 'already_exists'
  | 'failed_precondition'
  | 'permission_denied'
  | 'unauthenticated'
  | 'resource_exhausted'
  | 'unavailable'
  | 'internal';

export class KycError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly retriable: boolean;

  constructor(code: string, message: string, opts: { kind?: ErrorKind; retriable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'KycError';
    this.code = code;
    this.kind = opts.kind ?? 'internal';
    this.retriable = opts.retriable ?? (this.kind === 'unavailable');
  }
}

export const invalidArgument = (code: string, message: string) => new KycError(code, message, { kind: 'invalid_argument' });
export const notFound = (code: string, message: string) => new KycError(code, message, { kind: 'not_found' });
export const failedPrecondition = (code: string, message: string) =>
  new KycError(code, message, { kind: 'failed_precondition' });
export const unavailable = (code: string, message: string, cause?: unknown) =>
  new KycError(code, message, { kind: 'unavailable', retriable: true, cause });

export function isKycError(err: unknown): err is KycError {
  return err instanceof KycError;
}

/** Kinds that describe the request, not the health of the callee; breakers must not count them. */
export const BUSINESS_ERROR_KINDS: ReadonlySet<ErrorKind> = new Set([
  'invalid_argument',
  'not_found',
  'already_exists',
  'failed_precondition',
  'permission_denied',
  'unauthenticated',
]);
