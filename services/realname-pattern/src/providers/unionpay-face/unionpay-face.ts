/**
 * UnionPay face verification (银联开放平台人脸认证, 云闪付 trusted digital identity platform): UnionPay
 * compares the live face the app captured (faceImage) with the ID photo on file for the name and
 * ID number, under a token and a user authorisation the app obtained from UnionPay. Seed 003's
 * UNIONPAY-FACE hands over the request the app built; the server sends it to UnionPay and reads
 * the verdict. Seed 003 itself says this flow is still to be confirmed with UnionPay, and UnionPay
 * publishes it only to contracted parties: the port carries the seed's fields as they are, the
 * HTTP adapter models the exchange (http-unionpay-face.ts), and the sandbox is the default mode
 * until the real exchange is confirmed. The face image is biometric data: it goes to UnionPay and
 * nowhere else, never logged, never kept.
 */
import { invalidArgument, KycError } from '@kyc/core';
import { providerErrorCodes } from '@kyc/provider-kit';

/** Seed 003's UNIONPAY-FACE data, field for field (protocoVerison spelled as the seed spells it). */
export interface UnionpayFaceRequest {
  /** The 云闪付 trusted-identity platform token the app obtained. */
  token: string;
  /** The app's signature of the request. */
  sign: string;
  /** Timestamp (long). */
  ts: number;
  /** Transaction type. */
  action: string;
  /** Transaction request time. */
  txnTime: string;
  /** Transaction source. */
  txnSrc: string;
  /** Application (应用方) code. */
  orgCode: string;
  /** Application's request serial number. */
  orgSeq: string;
  /** External data user (外部数据使用方) code. */
  comUserId: string;
  /** Authentication mode code. */
  authCode: string;
  /** Transaction scene code. */
  sceneCode: string;
  /** Version of the user's electronic agreement. */
  protocoVerison: string;
  /** User authorisation serial number. */
  authSeq: string;
  name: string;
  /** ID document type. */
  certType: string;
  /** ID document number. */
  certCode: string;
  /** The live face picture, base64. */
  faceImage: string;
}

export type UnionpayFaceOutcome = 'passed' | 'failed';

export interface UnionpayFaceAnswer {
  outcome: UnionpayFaceOutcome;
  /** UnionPay's comparison result code ('00' the same person; anything else why not). */
  resultCode: string;
  /** UnionPay's serial number of the verification (its 认证凭据). */
  providerReference: string;
}

export interface UnionpayFace {
  /**
   * Not idempotent (the token and authorisation are spent, the comparison billed). Throws
   * KYC.UNIONPAY_FACE.BAD_INPUT (invalid_argument) for a request UnionPay cannot take, and a
   * retriable KycError when UnionPay cannot answer now or refuses the call.
   */
  verify(request: UnionpayFaceRequest): Promise<UnionpayFaceAnswer>;
}

export const UNIONPAY_FACE_ERROR = { ...providerErrorCodes('UNIONPAY_FACE'), badInput: 'KYC.UNIONPAY_FACE.BAD_INPUT' } as const;

/** The string fields every request carries, in the seed's order. */
export const UNIONPAY_FACE_FIELDS = [
  'token',
  'sign',
  'action',
  'txnTime',
  'txnSrc',
  'orgCode',
  'orgSeq',
  'comUserId',
  'authCode',
  'sceneCode',
  'protocoVerison',
  'authSeq',
  'name',
  'certType',
  'certCode',
] as const;

/** About 3 MB of picture. */
const MAX_FACE_IMAGE_CHARS = 4_000_000;

const bad = (field: string, rule: string): KycError => invalidArgument(UNIONPAY_FACE_ERROR.badInput, `unionpay-face: ${field} ${rule}`);

/** Refuses a request UnionPay cannot take, naming the field and never its value. */
export function checkUnionpayFaceRequest(request: UnionpayFaceRequest): void {
  for (const field of UNIONPAY_FACE_FIELDS) {
    const value: unknown = request[field];
    if (typeof value !== 'string' || !value.trim() || value.length > 512) throw bad(field, 'must be a string of 1-512 characters');
  }
  if (!Number.isSafeInteger(request.ts) || request.ts <= 0) throw bad('ts', 'must be a positive integer timestamp');
  const image = request.faceImage;
  if (typeof image !== 'string' || !image || image.length > MAX_FACE_IMAGE_CHARS || !/^[A-Za-z0-9+/]+={0,2}$/.test(image)) {
    throw bad('faceImage', `must be a base64 picture of at most ${MAX_FACE_IMAGE_CHARS} characters`);
  }
}
