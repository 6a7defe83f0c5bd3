/**
 * Whether a WeChat face result proves the identity a person submitted. WeChat's result query
 * answers digests, not the identity: MD5 of the ID number it checked (final X upper case) and
 * MD5 of the name's UTF-8 bytes. The submitted identityNo and realName must give the same
 * digests, the face check must have passed, and it must be recent: a verify result is a bearer
 * credential, and an old one replayed is not this person in front of the camera now. Pure: the
 * caller gives the time and the window (WECHAT_FACE_MAX_AGE_MS).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { WechatFaceResult } from './wechat-face';

export interface WechatFaceClaim {
  identityNo: string;
  realName: string;
}

export type WechatFaceRejection =
  /** WeChat's face check did not pass (identify_ret is not 0). */
  | 'not-passed'
  | 'id-number-mismatch'
  | 'name-mismatch'
  /** identify_time is older than the window. */
  | 'stale'
  /** identify_time is ahead of this server's clock by more than CLOCK_SKEW_MS. */
  | 'from-the-future';

export type WechatFaceVerdict = { proven: true } | { proven: false; reason: WechatFaceRejection };

/** How far WeChat's clock may run ahead of ours before a result is suspect. */
export const CLOCK_SKEW_MS = 120_000;

const md5Hex = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/** The digest WeChat gives for an ID number: MD5 of it with a final x upper-cased. */
export const idCardNumberMd5 = (identityNo: string): string => md5Hex(identityNo.trim().toUpperCase());

/** The digest WeChat gives for a name: MD5 of its UTF-8 bytes. */
export const nameUtf8Md5 = (realName: string): string => md5Hex(realName.trim());

export function judgeWechatFace(
  result: Pick<WechatFaceResult, 'passed' | 'identifyTime' | 'idCardNumberMd5' | 'nameUtf8Md5'>,
  claim: WechatFaceClaim,
  window: { now: Date; maxAgeMs: number },
): WechatFaceVerdict {
  if (!result.passed) return { proven: false, reason: 'not-passed' };
  if (!sameDigest(result.idCardNumberMd5, idCardNumberMd5(claim.identityNo))) return { proven: false, reason: 'id-number-mismatch' };
  if (!sameDigest(result.nameUtf8Md5, nameUtf8Md5(claim.realName))) return { proven: false, reason: 'name-mismatch' };
  const age = window.now.getTime() - result.identifyTime.getTime();
  if (age > window.maxAgeMs) return { proven: false, reason: 'stale' };
  if (age < -CLOCK_SKEW_MS) return { proven: false, reason: 'from-the-future' };
  return { proven: true };
}

/** Hex digests compared in constant time, whatever their letter case; anything malformed differs. */
function sameDigest(given: string, expected: string): boolean {
  if (!/^[0-9a-fA-F]{32}$/.test(given ?? '')) return false;
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'));
}
