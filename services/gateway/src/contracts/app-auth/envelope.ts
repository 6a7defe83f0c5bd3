import { Response } from 'express';

/**
 * Seed 001's envelope: {"attachment": ..., "message": ..., "status": N}. `status` 200 is success
 * (message null, as in the seed); anything else is a refusal whose message is in the caller's
 * language (`local`). The HTTP status is 200 for every envelope answer, as the seed's apps read
 * `status`; only a rate-limited caller also gets HTTP 429 (and a method the endpoint does not
 * serve HTTP 405).
 */
export const APP_STATUS = {
  ok: 200,
  /** A parameter is missing or malformed; the message names it. */
  badParameter: -1,
  /** uid/token missing, unknown, expired, or the uid is not the token's. */
  loginExpired: -1001,
  /** The seed's own: no liveness verification passed, or it went stale. */
  notVerified: -1002,
  /** The submission is under review: nothing may change until a reviewer decides. */
  underReview: -1003,
  /** Approved: the submission can no longer change. */
  alreadyVerified: -1004,
  /** A step came before the step it builds on (the message names the step to do first). */
  stepOutOfOrder: -1005,
  /** The ID card number fails GB 11643 (region, birth date, check character). */
  idNumberInvalid: -1006,
  /** Birthday or gender contradict the ID card number. */
  idDataInconsistent: -1007,
  /** The passport number is not in a valid format. */
  passportInvalid: -1008,
  /** Validity dates out of order, in the future, expired, or missing without isAllTime. */
  validityInvalid: -1009,
  /** The named image was not uploaded by this user, is used by another step, or is not an image. */
  imageInvalid: -1010,
  /** The liveness provider says the person did not pass. */
  livenessFailed: -1011,
  /** Liveness needs step 1 with a resident ID card first. */
  livenessNeedsIdCard: -1012,
  /** The liveness provider cannot be reached (or its breaker is open): try again later. */
  livenessUnavailable: -1013,
  rateLimited: 429,
  internal: 500,
  /** A service behind (or the liveness provider) is unavailable; retrying later may work. */
  unavailable: 503,
} as const;

export type AppStatus = (typeof APP_STATUS)[keyof typeof APP_STATUS];

export type Language = 'zh-CN' | 'en';

const MESSAGES: Record<AppStatus, Record<Language, string>> = {
  [APP_STATUS.ok]: { 'zh-CN': '', en: '' },
  [APP_STATUS.badParameter]: { 'zh-CN': '参数错误：{detail}', en: 'Invalid parameter: {detail}' },
  [APP_STATUS.loginExpired]: { 'zh-CN': '登录已失效，请重新登录', en: 'Your login has expired, please log in again' },
  [APP_STATUS.notVerified]: { 'zh-CN': '未认证，或认证失效，请重新认证', en: 'Not verified, or the verification has expired, please verify again' },
  [APP_STATUS.underReview]: { 'zh-CN': '认证信息审核中，暂不能修改', en: 'Your information is under review and cannot be changed' },
  [APP_STATUS.alreadyVerified]: { 'zh-CN': '已通过认证，无需重复提交', en: 'You are already verified' },
  [APP_STATUS.stepOutOfOrder]: { 'zh-CN': '请先完成第{detail}步', en: 'Please complete step {detail} first' },
  [APP_STATUS.idNumberInvalid]: { 'zh-CN': '身份证号码无效', en: 'The ID card number is invalid' },
  [APP_STATUS.idDataInconsistent]: { 'zh-CN': '生日或性别与身份证号码不符', en: 'The birthday or gender does not match the ID card number' },
  [APP_STATUS.passportInvalid]: { 'zh-CN': '护照号码格式不正确', en: 'The passport number is not in a valid format' },
  [APP_STATUS.validityInvalid]: { 'zh-CN': '证件有效期不正确', en: 'The document validity dates are invalid' },
  [APP_STATUS.imageInvalid]: { 'zh-CN': '图片无效，请重新上传', en: 'The image is invalid, please upload it again' },
  [APP_STATUS.livenessFailed]: { 'zh-CN': '实人认证未通过，请重新认证', en: 'The liveness verification did not pass, please verify again' },
  [APP_STATUS.livenessNeedsIdCard]: { 'zh-CN': '请先提交身份证信息', en: 'Please submit your ID card information first' },
  [APP_STATUS.livenessUnavailable]: { 'zh-CN': '实人认证服务暂不可用，请稍后重试', en: 'The liveness service is temporarily unavailable, please try again later' },
  [APP_STATUS.rateLimited]: { 'zh-CN': '请求过于频繁，请稍后重试', en: 'Too many requests, please try again later' },
  [APP_STATUS.internal]: { 'zh-CN': '系统繁忙，请稍后重试', en: 'System busy, please try again later' },
  [APP_STATUS.unavailable]: { 'zh-CN': '服务暂不可用，请稍后重试', en: 'The service is temporarily unavailable, please try again later' },
};

/** `local` as apps send it: zh-CN (the default) or en; regional and underscore variants map to them. */
export function languageOf(local: unknown): Language {
  return typeof local === 'string' && /^en([-_][A-Za-z]{2,4})?$/i.test(local.trim()) ? 'en' : 'zh-CN';
}

export function messageOf(status: AppStatus, language: Language, detail = ''): string | null {
  if (status === APP_STATUS.ok) return null;
  return MESSAGES[status][language].replace('{detail}', detail);
}

export function replyApp(res: Response, status: AppStatus, language: Language, attachment: unknown = null, detail?: string, httpStatus?: number): void {
  res.status(httpStatus ?? (status === APP_STATUS.rateLimited ? 429 : 200)).json({ attachment, message: messageOf(status, language, detail), status });
}

/** A refusal on the way to an answer, carried as a value so each route has one place that replies. */
export class AppRefusal extends Error {
  constructor(
    readonly status: AppStatus,
    readonly detail = '',
  ) {
    super(`seed 001 status ${status}${detail ? ` (${detail})` : ''}`);
    this.name = 'AppRefusal';
  }
}
