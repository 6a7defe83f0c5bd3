/**
 * One-time codes of seed 003's MOBILE: six digits, kept only as a keyed hash, usable until they
 * expire, for a limited number of attempts, once. Sending is rate-limited per number (the number's
 * holder is not to be flooded) and per user (a user is not to probe numbers).
 */
import { randomInt } from 'node:crypto';
import { KycError } from '@kyc/core';

export interface MobileCodeRules {
  /** How long a code can be used. */
  ttlMs: number;
  /** Attempts at one code (right or wrong) before it is dead. */
  maxAttempts: number;
  /** Least time between two codes to the same number. */
  resendAfterMs: number;
  /** The window of the two limits below. */
  rateWindowMs: number;
  /** Codes to one number within the window, whoever asks. */
  maxPerNumber: number;
  /** Codes one user (partner + subject) may ask for within the window, whatever the numbers. */
  maxPerSubject: number;
}

export const MOBILE_CODE_ERROR = {
  rateLimited: 'KYC.MOBILE_CODE.RATE_LIMITED',
} as const;

/** Result codes of a MOBILE verification that failed. */
export const MOBILE_RESULT = {
  wrongCode: 'MOBILE.WRONG_CODE',
  expired: 'MOBILE.CODE_EXPIRED',
  tooManyAttempts: 'MOBILE.TOO_MANY_ATTEMPTS',
  noCode: 'MOBILE.NO_CODE',
} as const;

export const generateMobileCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

export const mobileCodeRateLimited = (why: string, retryAfterMs: number): KycError =>
  new KycError(MOBILE_CODE_ERROR.rateLimited, `${why}; try again in ${Math.ceil(retryAfterMs / 1000)} s`, { kind: 'resource_exhausted', retriable: false });

/** A sent code as kept: never the code itself. */
export interface StoredMobileCode {
  id: string;
  partnerId: string;
  subjectId: string;
  /** Blind index of the national number. */
  mobileIndex: string;
  /** Keyed hash of the code (bound to the id). */
  codeHash: string;
  createdAt: Date;
  expiresAt: Date;
  attempts: number;
  usedAt?: Date;
  /** What the code confirms besides the number ("merge:<holder subject>" for seed 003 MERGE); absent for MOBILE. */
  purpose?: string;
}

/** Whether a stored code can still take an attempt, and if not, the result to fail with. */
export function usableOrWhyNot(code: StoredMobileCode | undefined, now: Date, maxAttempts: number): string | undefined {
  if (!code || code.usedAt) return MOBILE_RESULT.noCode;
  if (code.expiresAt.getTime() <= now.getTime()) return MOBILE_RESULT.expired;
  if (code.attempts >= maxAttempts) return MOBILE_RESULT.tooManyAttempts;
  return undefined;
}
