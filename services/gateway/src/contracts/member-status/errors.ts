import { isKycError } from '@kyc/core';
import { GATEWAY_ERRORS as E } from '../../application/errors';
import { PARTNER_SIGNING_ERRORS } from '../partner-signing-errors';

/** Seed 000's error table: application error code -> HTTP status (= `code`) and message. */
const TABLE: Record<string, [number, string]> = {
  ...PARTNER_SIGNING_ERRORS,
  [E.featureNotGranted]: [403, '该应用未开通用户信息认证功能'],
  [E.memberNotFound]: [400, '相关注册记录不存在'],
  [E.idNumberInvalid]: [400, 'identity_card_number 不是有效的居民身份证号码'],
  [E.txSeqNoReused]: [409, 'tx_seq_no 已使用'],
};

export const MEMBER_UNKNOWN_ERROR: [number, string] = [500, '未知错误'];
export const MEMBER_UNAVAILABLE: [number, string] = [503, '服务暂时不可用，请稍后重试'];

export function memberErrorOf(err: unknown): [number, string] {
  if (!isKycError(err)) return MEMBER_UNKNOWN_ERROR;
  if (TABLE[err.code]) return TABLE[err.code];
  // A service behind is down or its breaker is open: the partner may retry the same request.
  if (err.kind === 'unavailable') return MEMBER_UNAVAILABLE;
  return MEMBER_UNKNOWN_ERROR;
}
