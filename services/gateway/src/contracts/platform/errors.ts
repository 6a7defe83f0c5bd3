import { isKycError } from '@kyc/core';
import { GATEWAY_ERRORS as E } from '../../application/errors';
import { PARTNER_SIGNING_ERRORS } from '../partner-signing-errors';

/** The platform endpoints' error table: application error code -> HTTP status and message. */
const TABLE: Record<string, [number, string]> = {
  ...PARTNER_SIGNING_ERRORS,
  [E.featureNotGranted]: [403, '该应用未开通用户认证功能'],
};

export const PLATFORM_UNKNOWN_ERROR: [number, string] = [500, '未知错误'];

export function platformErrorOf(err: unknown): [number, string] {
  return (isKycError(err) && TABLE[err.code]) || PLATFORM_UNKNOWN_ERROR;
}
