import { isKycError } from '@kyc/core';
import { GATEWAY_ERRORS as E } from '../../application/errors';

export type UcenterReply = [code: number, message: string];

/** Refusals before a verification exists: application error code -> seed 003 code and message. */
const ERRORS: Record<string, UcenterReply> = {
  [E.featureNotGranted]: [403, '该应用未开通实名认证功能'],
  'KYC.VERIFICATION.INVALID_ID_NUMBER': [400, 'data.identityNo 不是有效的身份证号'],
  'KYC.VERIFICATION.INVALID_INPUT': [400, '请求参数错误'],
  'KYC.VERIFICATION.CLAIM_INCOMPLETE': [400, '请求参数错误'],
  'KYC.ROSTER.INVALID_ROLE': [400, 'data.role 格式错误'],
  'KYC.ROSTER.INVALID_RELATION': [400, 'data.relation 格式错误'],
  'KYC.VERIFICATION.PROVIDER_REFERENCE_USED': [422, 'data.verifyResult 已使用，请重新进行人脸认证'],
  'KYC.WECHAT_FACE.BAD_VERIFY_RESULT': [400, 'data.verifyResult 无效'],
  'KYC.WECHAT_FACE.BAD_ACCESS_TOKEN': [400, 'data.accessToken 无效'],
  'KYC.ECARD.BAD_INPUT': [400, '请求参数错误'],
  'KYC.ECARD.PASSWORD_REQUIRED': [400, 'data.password 必填'],
  'KYC.MOBILE_CODE.INVALID_MOBILE': [400, 'mobileNo 不是有效的手机号'],
  'KYC.MOBILE_CODE.RATE_LIMITED': [429, '验证码发送过于频繁，请稍后再试'],
  // A MERGE code asked for a holder who no longer has a verified mobile: merging cannot be confirmed.
  'KYC.MOBILE_CODE.NO_VERIFIED_MOBILE': [410, '当前认证信息已被占用，请联系人工客服'],
  'KYC.UNIONPAY_FACE.BAD_INPUT': [400, '请求参数错误'],
};

/**
 * Providers behind the patterns (e-card systems, WeChat, UnionPay) that cannot answer now: 503 with
 * the stable code in `data.reason` (KYC.<PROVIDER>.TIMEOUT, .UNAVAILABLE, .BREAKER_OPEN, .REFUSED,
 * .BAD_ANSWER). Nothing was decided; the same request may be sent again later.
 */
const PROVIDERS: Record<string, string> = {
  ECARD: '学校一卡通系统暂不可用，请稍后重试',
  WECHAT_FACE: '微信人脸认证结果查询暂不可用，请稍后重试',
  UNIONPAY_FACE: '银联人脸认证暂不可用，请稍后重试',
};
const providerOf = (err: unknown): string | undefined => {
  if (!isKycError(err) || err.kind !== 'unavailable') return undefined;
  const provider = /^KYC\.([A-Z_]+)\.[A-Z_]+$/.exec(err.code)?.[1];
  return provider && provider in PROVIDERS ? provider : undefined;
};

/** The envelope's `data` for an error: the provider's stable code when a provider could not answer, else nothing. */
export const providerErrorData = (err: unknown): { reason?: string } => (providerOf(err) && isKycError(err) ? { reason: err.code } : {});

export const UCENTER_UNAVAILABLE: UcenterReply = [503, '服务暂不可用，请稍后重试'];
export const UCENTER_UNKNOWN_ERROR: UcenterReply = [500, '未知错误'];

export function ucenterErrorOf(err: unknown): UcenterReply {
  if (!isKycError(err)) return UCENTER_UNKNOWN_ERROR;
  if (ERRORS[err.code]) return ERRORS[err.code];
  const provider = providerOf(err);
  if (provider) return [503, PROVIDERS[provider]];
  if (err.code.startsWith('KYC.IDENTITY.INVALID')) return [400, 'data.identityNo 不是有效的身份证号'];
  if (err.kind === 'invalid_argument') return [400, '请求参数错误'];
  if (err.kind === 'unavailable') return UCENTER_UNAVAILABLE;
  return UCENTER_UNKNOWN_ERROR;
}

/**
 * A failed verification's result code -> seed 003 code and message. The information was not
 * proved: 422, with the stable reason in `data.reason`. IDENTITY.CONFLICT (another user of the
 * partner already verified this information) is the seed's 410 when no merge can be offered; the
 * routes answer 409 first when one can (application/campus-merges.ts).
 */
const RESULTS: Record<string, UcenterReply> = {
  'ROSTER.NO_SUCH_SCHOOL': [422, '学校不存在'],
  'ROSTER.NOT_ON_ROSTER': [422, '人员名单中没有该学工号'],
  'ROSTER.NAME_MISMATCH': [422, '姓名与学工号不符'],
  'ROSTER.ID_MISMATCH': [422, '身份证号与人员名单不符'],
  'ROSTER.ID_NOT_ON_ROSTER': [422, '人员名单中没有该人员的身份证号'],
  'ROSTER.ROLE_MISMATCH': [422, '角色与人员名单不符'],
  'ROSTER.AMBIGUOUS': [422, '多个学校有该人员，请指定 customerCode'],
  'ROSTER.RELATIVE_NOT_LISTED': [422, '人员名单中没有该亲属'],
  'ROSTER.RELATION_MISMATCH': [422, '亲属关系与人员名单不符'],
  'ECARD.NOT_AVAILABLE': [501, '该学校的一卡通认证暂未开通'],
  'ECARD.WRONG_PASSWORD': [422, '一卡通密码错误'],
  'ECARD.NO_ACCOUNT': [422, '一卡通系统中没有该学工号'],
  'ECARD.NAME_MISMATCH': [422, '姓名与一卡通不符'],
  'ECARD.LOCKED': [422, '一卡通密码错误次数过多，已锁定'],
  'WECHAT_FACE.NOT_PASSED': [422, '微信人脸认证未通过'],
  'WECHAT_FACE.ID_MISMATCH': [422, '身份证号与微信人脸认证结果不符'],
  'WECHAT_FACE.NAME_MISMATCH': [422, '姓名与微信人脸认证结果不符'],
  'WECHAT_FACE.STALE': [422, '微信人脸认证结果已过期，请重新认证'],
  'UNIONPAY_FACE.FAILED': [422, '银联人脸认证未通过'],
  'MOBILE.WRONG_CODE': [422, '验证码错误'],
  'MOBILE.CODE_EXPIRED': [422, '验证码已过期，请重新获取'],
  'MOBILE.TOO_MANY_ATTEMPTS': [422, '验证码错误次数过多，请重新获取'],
  'MOBILE.NO_CODE': [422, '请先获取验证码'],
  'IDENTITY.CONFLICT': [410, '当前认证信息已被占用，请联系人工客服'],
};

export function ucenterResultOf(resultCode: string): UcenterReply {
  return RESULTS[resultCode] ?? (resultCode.endsWith('UNAVAILABLE') ? UCENTER_UNAVAILABLE : [422, '实名认证未通过']);
}
