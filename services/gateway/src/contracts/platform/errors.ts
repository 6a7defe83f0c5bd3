import { isKycError } from '@kyc/core';
import { GATEWAY_ERRORS as E } from '../../application/errors';

/** The platform endpoints' error table: application error code -> HTTP status and message. */
const TABLE: Record<string, [number, string]> = {
  [E.signatureFieldsMissing]: [400, '缺少签名参数 app_id, nonce_str, time_stamp, sign'],
  [E.appIdInvalid]: [401, 'app_id 无效'],
  [E.timestampStale]: [401, '时间戳已过期'],
  [E.signatureMismatch]: [401, '签名错误'],
  [E.nonceReplayed]: [401, '重复的请求'],
  [E.featureNotGranted]: [403, '该应用未开通用户认证功能'],
};

export const PLATFORM_UNKNOWN_ERROR: [number, string] = [500, '未知错误'];

export function platformErrorOf(err: unknown): [number, string] {
  return (isKycError(err) && TABLE[err.code]) || PLATFORM_UNKNOWN_ERROR;
}
