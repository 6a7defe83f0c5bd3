import { randomBytes } from 'node:crypto';
import { failedPrecondition } from '@kyc/core';

/**
 * One attempt by one subject to prove who they are, through one method. Every method shares this
 * one state machine; each partner contract maps the states to its own vocabulary at its edge.
 *
 *   STARTED --> PROCESSING --> SUCCEEDED   (final)
 *      |             |
 *      +-------------+-------> FAILED      (final, with a reason code)
 */
export type VerificationState = 'STARTED' | 'PROCESSING' | 'SUCCEEDED' | 'FAILED';

export const FINAL_STATES: readonly VerificationState[] = ['SUCCEEDED', 'FAILED'];
export const OPEN_STATES: readonly VerificationState[] = ['STARTED', 'PROCESSING'];

const TRANSITIONS: Readonly<Record<VerificationState, readonly VerificationState[]>> = {
  STARTED: ['PROCESSING', 'FAILED'],
  PROCESSING: ['SUCCEEDED', 'FAILED'],
  SUCCEEDED: [],
  FAILED: [],
};

export function canTransition(from: VerificationState, to: VerificationState): boolean {
  return TRANSITIONS[from]?.includes(to) ?? false;
}

export const isFinal = (state: VerificationState) => FINAL_STATES.includes(state);

/**
 * Stable reason codes of a final verification: partners, notifications and dashboards key on them,
 * so they never change meaning. Methods add their own (a review's rejection reason, say).
 */
export const RESULT = {
  ok: 'OK',
  authorityMismatch: 'AUTHORITY.MISMATCH',
  authorityNoRecord: 'AUTHORITY.NO_RECORD',
  authorityUnavailable: 'AUTHORITY.UNAVAILABLE',
  identityConflict: 'IDENTITY.CONFLICT',
  identityInvalidIdNumber: 'IDENTITY.INVALID_ID_NUMBER',
  identityUnavailable: 'IDENTITY.UNAVAILABLE',
  internal: 'INTERNAL.ERROR',
} as const;

export const VERIFICATION_ERROR = {
  unknownMethod: 'KYC.VERIFICATION.UNKNOWN_METHOD',
  /** The method starts from its own flow (manual review: a seed 002 submission), not on request. */
  methodNotStartable: 'KYC.VERIFICATION.METHOD_NOT_STARTABLE',
  subjectRequired: 'KYC.VERIFICATION.SUBJECT_REQUIRED',
  partnerRequired: 'KYC.VERIFICATION.PARTNER_REQUIRED',
  claimIncomplete: 'KYC.VERIFICATION.CLAIM_INCOMPLETE',
  invalidIdNumber: 'KYC.VERIFICATION.INVALID_ID_NUMBER',
  invalidMobile: 'KYC.VERIFICATION.INVALID_MOBILE',
  invalidCallbackUrl: 'KYC.VERIFICATION.INVALID_CALLBACK_URL',
  notFound: 'KYC.VERIFICATION.NOT_FOUND',
  invalidTransition: 'KYC.VERIFICATION.INVALID_TRANSITION',
  /** A single-use provider result (a WeChat verify result) already proved another verification. */
  providerReferenceUsed: 'KYC.VERIFICATION.PROVIDER_REFERENCE_USED',
} as const;

/** What the subject claims to be. Personal data: sealed at rest, never in events or logs. */
export interface Claim {
  name: string;
  idNumber: string;
  /** Only for methods that check it (three-element authority check). */
  mobile: string;
}

export interface Verification {
  id: string;
  subjectId: string;
  partnerId: string;
  method: string;
  state: VerificationState;
  /** Empty until final. */
  resultCode: string;
  /** Random and unguessable: whoever holds it may read the result (seed 003 rnAuthTicket). */
  ticket: string;
  providerReference: string;
  evidenceIds: string[];
  /** Partner-supplied text (may hold a user id, which may be an ID number): sealed at rest. */
  partnerReference: string;
  callbackUrl: string;
  createdAt: Date;
  updatedAt: Date;
  completedAt?: Date;
}

export interface VerificationStarted {
  type: 'VerificationStarted';
  verificationId: string;
  subjectId: string;
  partnerId: string;
  method: string;
  startedAt: Date;
}

export interface VerificationCompleted {
  type: 'VerificationCompleted';
  verificationId: string;
  subjectId: string;
  partnerId: string;
  method: string;
  state: 'SUCCEEDED' | 'FAILED';
  resultCode: string;
  completedAt: Date;
}

export type VerificationEvent = VerificationStarted | VerificationCompleted;

/** 32 random bytes, URL-safe: not derivable from the id or the subject. */
export const newTicket = () => randomBytes(32).toString('base64url');

export function startVerification(
  input: Pick<Verification, 'id' | 'subjectId' | 'partnerId' | 'method' | 'evidenceIds' | 'partnerReference' | 'callbackUrl'>,
  now: Date,
  ticket = newTicket(),
): { verification: Verification; event: VerificationStarted } {
  const verification: Verification = {
    ...input,
    state: 'STARTED',
    resultCode: '',
    ticket,
    providerReference: '',
    createdAt: now,
    updatedAt: now,
  };
  return {
    verification,
    event: {
      type: 'VerificationStarted',
      verificationId: input.id,
      subjectId: input.subjectId,
      partnerId: input.partnerId,
      method: input.method,
      startedAt: now,
    },
  };
}

/** STARTED -> PROCESSING; a verification already processing stays as it is. */
export function beginProcessing(v: Verification, now: Date): Verification {
  if (v.state === 'PROCESSING') return v;
  assertTransition(v.state, 'PROCESSING');
  return { ...v, state: 'PROCESSING', updatedAt: now };
}

export interface Outcome {
  state: 'SUCCEEDED' | 'FAILED';
  resultCode: string;
  providerReference?: string;
}

export const succeeded = (providerReference?: string): Outcome => ({ state: 'SUCCEEDED', resultCode: RESULT.ok, providerReference });
export const failed = (resultCode: string, providerReference?: string): Outcome => ({ state: 'FAILED', resultCode, providerReference });

/** Moves an open verification to its final state; a final state never changes again. */
export function complete(v: Verification, outcome: Outcome, now: Date): { verification: Verification; event: VerificationCompleted } {
  assertTransition(v.state, outcome.state);
  if (!outcome.resultCode) throw failedPrecondition(VERIFICATION_ERROR.invalidTransition, 'a final verification needs a result code');
  if (outcome.state === 'SUCCEEDED' && outcome.resultCode !== RESULT.ok) {
    throw failedPrecondition(VERIFICATION_ERROR.invalidTransition, `a succeeded verification has result ${RESULT.ok}`);
  }
  const verification: Verification = {
    ...v,
    state: outcome.state,
    resultCode: outcome.resultCode,
    providerReference: outcome.providerReference ?? v.providerReference,
    updatedAt: now,
    completedAt: now,
  };
  return {
    verification,
    event: {
      type: 'VerificationCompleted',
      verificationId: v.id,
      subjectId: v.subjectId,
      partnerId: v.partnerId,
      method: v.method,
      state: outcome.state,
      resultCode: outcome.resultCode,
      completedAt: now,
    },
  };
}

function assertTransition(from: VerificationState, to: VerificationState): void {
  if (!canTransition(from, to)) {
    throw failedPrecondition(VERIFICATION_ERROR.invalidTransition, `a verification cannot go from ${from} to ${to}`);
  }
}

/**
 * Back-off between processing attempts of one verification while a provider is unavailable:
 * doubling from `baseMs`, capped at `maxMs`.
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
}

/** Context strings bind sealed values to their verification and field (see PiiCipher.seal). */
export const verificationSealContext = {
  claim: (verificationId: string) => `verification:${verificationId}:claim`,
  partnerReference: (verificationId: string) => `verification:${verificationId}:partner_reference`,
  ticket: (verificationId: string) => `verification:${verificationId}:ticket`,
};
