import { GATEWAY_ERRORS as E } from '../application/errors';

/**
 * Refusals of seed 000's request signing (HTTP status = `code`, message), the same for every
 * contract signed that way (member-status and the platform endpoints).
 */
export const PARTNER_SIGNING_ERRORS: Readonly<Record<string, [number, string]>> = {
  [E.signatureFieldsMissing]: [400, '缺少签名参数 app_id, nonce_str, time_stamp, sign'],
  [E.appIdInvalid]: [401, 'app_id 无效'],
  [E.timestampStale]: [401, '时间戳已过期'],
  [E.signatureMismatch]: [401, '签名错误'],
  [E.nonceReplayed]: [401, '重复的请求'],
};
