import { Response } from 'express';

/**
 * Seed 004's public error codes. The seed names open_request_expired and
 * open_auth_user_not_existed_error; the others follow their pattern. Every answer of the check
 * endpoint is HTTP 200 with `success` telling the outcome, as Alipay-style gateways (and the SDKs
 * companies use with them) expect; the table is repeated in openapi.yaml.
 */
export const IDCARD_CHECK_ERRORS = {
  paramError: { code: 'open_param_error', message: '参数错误' },
  charsetNotSupported: { code: 'open_charset_not_supported', message: '不支持的编码格式,请使用utf-8' },
  signTypeNotSupported: { code: 'open_sign_type_not_supported', message: '不支持的签名类型,请使用RSA2或RSA' },
  companyNotExisted: { code: 'open_company_not_existed_error', message: '企业不存在' },
  companyKeyNotRegistered: { code: 'open_company_key_not_registered', message: '企业未配置公钥' },
  requestExpired: { code: 'open_request_expired', message: '请求过期,请求重新发起' },
  signError: { code: 'open_sign_error', message: '验签失败' },
  companyForbidden: { code: 'open_company_forbidden', message: '企业无权调用该接口' },
  userNotExisted: { code: 'open_auth_user_not_existed_error', message: '用户不存在' },
  apiNotExisted: { code: 'open_api_not_existed', message: '接口不存在' },
  requestTooFrequent: { code: 'open_request_too_frequent', message: '请求过于频繁,请稍后重试' },
  systemError: { code: 'open_system_error', message: '系统繁忙,请稍后重试' },
} as const;

export type IdcardCheckError = (typeof IDCARD_CHECK_ERRORS)[keyof typeof IDCARD_CHECK_ERRORS];

/** Success: code and message null (the seed marks both optional), object the answer. */
export function replySuccess(res: Response, object: unknown): void {
  res.status(200).json({ code: null, success: true, message: null, object });
}

/** Failure: code and message from the table, object null. */
export function replyError(res: Response, error: IdcardCheckError, detail?: string, httpStatus = 200): void {
  res.status(httpStatus).json({ code: error.code, success: false, message: detail ? `${error.message}: ${detail}` : error.message, object: null });
}
