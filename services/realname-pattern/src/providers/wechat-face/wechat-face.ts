/**
 * WeChat face verification (微信人脸核身, city-service face identify): the partner's mini program
 * runs wx.startFacialRecognitionVerify and hands seed 003's WECHAT-FACE its `verifyResult`. The
 * app's word is worth nothing: the server asks WeChat what that verify result says (result
 * query, `cityservice/face/identify/getinfo`), and judgeWechatFace (wechat-face-verdict.ts)
 * decides whether it proves the name and ID number submitted. Adapters: a real HTTP one and a
 * sandbox with deterministic test results, chosen by WECHAT_FACE_MODE.
 */
import { createHash } from 'node:crypto';
import { invalidArgument, KycError } from '@kyc/core';
import { providerErrorCodes } from '@kyc/provider-kit';

export interface WechatFaceResult {
  /** WeChat's face check passed (identify_ret 0). Says nothing yet of *whose* face: see judgeWechatFace. */
  passed: boolean;
  /** identify_ret: 0 passed, anything else why not (e.g. 10003 the ID number does not match). */
  identifyRet: number;
  /** When WeChat identified the face (identify_time). */
  identifyTime: Date;
  /** MD5 (hex, lower case) of the ID number WeChat checked, its final X upper case. */
  idCardNumberMd5: string;
  /** MD5 (hex, lower case) of the UTF-8 name WeChat checked. */
  nameUtf8Md5: string;
  /** A digest of the verify result: stable, reveals nothing, lets a replayed verify result be recognised. */
  providerReference: string;
}

export interface WechatFaceQueryOptions {
  /**
   * The access token of the mini program that ran the face check (seed 003's data.accessToken):
   * WeChat answers a verify result only to its own app. Without it the adapter uses the token of
   * the app configured as WECHAT_FACE_APP_ID.
   */
  accessToken?: string;
}

export interface WechatFace {
  /**
   * Safe to ask again (a query only reads). Throws KYC.WECHAT_FACE.BAD_INPUT, .BAD_VERIFY_RESULT
   * (WeChat knows no such result) and .BAD_ACCESS_TOKEN (the given token is not valid) as
   * invalid_argument, .NOT_CONFIGURED (no token given and none configured) as
   * failed_precondition, and a retriable KycError when WeChat cannot answer now.
   */
  result(verifyResult: string, opts?: WechatFaceQueryOptions): Promise<WechatFaceResult>;
}

export const WECHAT_FACE_ERROR = {
  ...providerErrorCodes('WECHAT_FACE'),
  badInput: 'KYC.WECHAT_FACE.BAD_INPUT',
  badVerifyResult: 'KYC.WECHAT_FACE.BAD_VERIFY_RESULT',
  badAccessToken: 'KYC.WECHAT_FACE.BAD_ACCESS_TOKEN',
  notConfigured: 'KYC.WECHAT_FACE.NOT_CONFIGURED',
} as const;

const bad = (field: string, rule: string): KycError => invalidArgument(WECHAT_FACE_ERROR.badInput, `wechat-face: ${field} ${rule}`);

/** Refuses input WeChat would refuse, naming the field and never its value. */
export function checkWechatFaceQuery(verifyResult: string, opts: WechatFaceQueryOptions = {}): void {
  if (!/^[\x21-\x7e]{1,1024}$/.test(verifyResult ?? '')) throw bad('verifyResult', 'must be 1-1024 printable ASCII characters');
  if (opts.accessToken !== undefined && !/^[\x21-\x7e]{1,512}$/.test(opts.accessToken)) throw bad('accessToken', 'must be 1-512 printable ASCII characters');
}

export const verifyResultReference = (verifyResult: string): string =>
  `wxface-${createHash('sha256').update(verifyResult, 'utf8').digest('hex').slice(0, 32)}`;
