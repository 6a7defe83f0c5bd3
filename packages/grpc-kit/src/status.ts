import { Metadata, ServiceError, status } from '@grpc/grpc-js';
import { BUSINESS_ERROR_KINDS, ErrorKind, KycError } from '@kyc/core';

const KIND_TO_STATUS: Record<ErrorKind, status> = {
  invalid_argument: status.INVALID_ARGUMENT,
  not_found: status.NOT_FOUND,
  already_exists: status.ALREADY_EXISTS,
  failed_precondition: status.FAILED_PRECONDITION,
  permission_denied: status.PERMISSION_DENIED,
  unauthenticated: status.UNAUTHENTICATED,
  resource_exhausted: status.RESOURCE_EXHAUSTED,
  unavailable: status.UNAVAILABLE,
  internal: status.INTERNAL,
};

const STATUS_TO_KIND = new Map<status, ErrorKind>(
  Object.entries(KIND_TO_STATUS).map(([kind, code]) => [code, kind as ErrorKind]),
);

export const ERROR_CODE_KEY = 'kyc-error-code';

/** KycError -> gRPC status, with the stable code in trailing metadata. */
export function toServiceError(err: unknown): Partial<ServiceError> {
  const metadata = new Metadata();
  if (err instanceof KycError) {
    metadata.set(ERROR_CODE_KEY, err.code);
    return { code: KIND_TO_STATUS[err.kind], details: err.message, metadata };
  }
  metadata.set(ERROR_CODE_KEY, 'KYC.INTERNAL');
  return { code: status.INTERNAL, details: 'internal error', metadata };
}

/** gRPC status -> KycError on the client side, keeping the callee's stable code. */
export function fromServiceError(err: ServiceError, callee: string): KycError {
  const code = (err.metadata?.get(ERROR_CODE_KEY)[0] as string | undefined) ?? `KYC.GRPC.${status[err.code] ?? err.code}`;
  const kind = STATUS_TO_KIND.get(err.code) ?? (err.code === status.DEADLINE_EXCEEDED ? 'unavailable' : 'internal');
  return new KycError(code, `${callee}: ${err.details || err.message}`, {
    kind,
    retriable: kind === 'unavailable' || err.code === status.DEADLINE_EXCEEDED,
    cause: err,
  });
}

/**
 * grpc-js reports a request it could not encode as an INTERNAL status of the call, although the
 * call never left the process; a breaker must not hold that against the callee.
 */
const LOCAL_FAILURE = /^Request message serialization failure/;

export function isLocalError(err: unknown): boolean {
  if (err instanceof KycError && err.code === 'KYC.GRPC.REQUEST_UNSERIALIZABLE') return true;
  const cause = err instanceof KycError ? err.cause : err;
  const details = (cause as Partial<ServiceError> | undefined)?.details;
  return typeof details === 'string' && LOCAL_FAILURE.test(details);
}

export function isBusinessError(err: unknown): boolean {
  return err instanceof KycError && BUSINESS_ERROR_KINDS.has(err.kind);
}

/** A KycError for any failure of a call: gRPC statuses are translated, KycErrors pass through. */
export function asKycError(err: unknown, callee: string): KycError {
  if (err instanceof KycError) return err;
  if (typeof err === 'object' && err !== null && typeof (err as ServiceError).code === 'number' && 'metadata' in err) {
    return fromServiceError(err as ServiceError, callee);
  }
  return new KycError('KYC.INTERNAL', `${callee}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

/** Call metadata carrying the correlation id, as every platform call does. */
export function correlationMetadata(correlationId?: string): Metadata {
  const metadata = new Metadata();
  if (correlationId) metadata.set('x-correlation-id', correlationId);
  return metadata;
}
