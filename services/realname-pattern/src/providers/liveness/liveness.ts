/**
 * Real-person (liveness) verification: a provider checks that the person in front of the camera
 * is alive and is the holder of the name and ID number given (Alibaba Cloud 金融级实人认证 /
 * cloudauth). The server starts a certification for a subject, the app or web page runs the
 * camera check with its certify id, the server asks for the result. Seed 001's /ali/appToken
 * and /ali/vedioAuth are the two halves. The face images stay with the provider: no adapter
 * reads or keeps them. Adapters: a real HTTP one and a sandbox with deterministic test
 * identities, chosen by LIVENESS_MODE.
 */
import { invalidArgument, KycError } from '@kyc/core';
import { providerErrorCodes } from '@kyc/provider-kit';

export interface LivenessInit {
  /** The platform's reference of the subject (not personal data); the provider's UserId. */
  subjectRef: string;
  name: string;
  idNumber: string;
  /**
   * The platform's reference of this attempt, 1-32 letters and digits (a verification id
   * without dashes); the provider's OuterOrderNo. Starting the same attempt again uses the same
   * one, so every certification the provider made for it traces back to it.
   */
  outerOrderNo: string;
  /** The device environment string of the provider's app/H5 SDK (getMetaInfo()); the real service wants it. */
  metaInfo?: string;
}

export interface LivenessSession {
  /** What the app's SDK (and the result query) take. */
  certifyId: string;
  /** Only for providers that hand the app a token apart from the certify id. */
  verifyToken?: string;
  /** Web products: the page that runs the check. */
  certifyUrl?: string;
  /** After this, a certification the person did not finish is expired. */
  expiresAt: Date;
}

export type LivenessOutcome = 'passed' | 'failed' | 'not-finished' | 'expired';

export interface LivenessResult {
  outcome: LivenessOutcome;
  /** The provider's result code ('200' passed; 201-209 why not), '' while there is none. */
  subCode: string;
  /** The provider's reference of the certification (its certify id). */
  providerReference: string;
}

export interface Liveness {
  /** Throws invalid_argument (KYC.LIVENESS.BAD_INPUT) on bad input, a retriable KycError when the provider cannot answer now. */
  init(input: LivenessInit): Promise<LivenessSession>;
  /** Safe to ask any number of times. `expiresAt` (from init) turns an unfinished certification into an expired one. */
  result(certifyId: string, opts?: { expiresAt?: Date }): Promise<LivenessResult>;
}

export const LIVENESS_ERROR = { ...providerErrorCodes('LIVENESS'), badInput: 'KYC.LIVENESS.BAD_INPUT' } as const;

const bad = (field: string, rule: string): KycError => invalidArgument(LIVENESS_ERROR.badInput, `liveness: ${field} ${rule}`);

/** Refuses input the provider would refuse, naming the field and never its value. */
export function checkLivenessInit(input: LivenessInit): void {
  if (!input.subjectRef || input.subjectRef.length > 100) throw bad('subjectRef', 'must be 1-100 characters');
  if (!input.name?.trim()) throw bad('name', 'is required');
  if (!/^\d{17}[\dXx]$/.test(input.idNumber ?? '')) throw bad('idNumber', 'must be an 18-character resident ID number');
  if (!/^[A-Za-z0-9]{1,32}$/.test(input.outerOrderNo ?? '')) throw bad('outerOrderNo', 'must be 1-32 letters and digits');
}

export function checkCertifyId(certifyId: string): void {
  if (!/^[A-Za-z0-9]{1,64}$/.test(certifyId ?? '')) throw bad('certifyId', 'must be the 1-64 letters and digits init returned');
}
