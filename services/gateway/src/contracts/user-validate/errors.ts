import { isKycError } from '@kyc/core';
import { GATEWAY_ERRORS as E } from '../../application/errors';
import { USER_VALIDATE_RESULT as R } from './envelope';

/**
 * Seed 002's error table: application and downstream error codes -> `response.result`.
 * Anything not listed is not the partner's fault: 500.
 */
export function userValidateResultOf(err: unknown): number {
  if (!isKycError(err)) return R.internal;
  switch (err.code) {
    case E.sessionNotFound:
      return R.sessionNotFound;
    case E.evidenceLocked:
    case 'KYC.PHOTO.LOCKED':
      return R.locked;
    case E.photosMissing:
    case E.idNumberInvalid:
      return R.badRequest;
  }
  if (err.code.startsWith('KYC.PHOTO.') && err.kind === 'invalid_argument') return R.badImage;
  if (err.kind === 'invalid_argument') return R.badRequest;
  return R.internal;
}

/** fetch_photo answers bare HTTP statuses, as the seed documents. */
export function fetchPhotoStatusOf(err: unknown): number {
  if (!isKycError(err)) return 500;
  if (err.code === E.sessionNotFound) return 401;
  if (err.code === 'KYC.PHOTO.NOT_FOUND') return 404;
  if (err.kind === 'invalid_argument') return 400;
  return 500;
}
