import { Claim, Outcome, Verification } from '../domain/verification';

/**
 * What processing one attempt of a verification led to: a final outcome, or "try again later"
 * (a provider is unavailable), naming the result code to fail with if the retries run out. Without
 * a give-up code the attempts go on until they succeed: the outcome is already decided (a
 * reviewer's approval) and only recording it is pending, so failing it would contradict the decision.
 */
export type ProcessResult = { kind: 'complete'; outcome: Outcome } | { kind: 'retry'; giveUpCode?: string; reason: string };

/** Steps a method records between attempts, so a retry does not redo what already succeeded. */
export interface ProcessProgress {
  /** The provider's answer once it matched, kept so a retry does not ask the provider again. */
  providerOutcome?: string;
  providerReference?: string;
  /** External methods: the decision that ends the wait (a reviewer's), recorded when it is committed. */
  reviewDecision?: 'approved' | 'rejected';
  /** The reviewer's reason code of a rejection (catalog code, no personal data). */
  reviewReasonCode?: string;
  reviewDecidedAt?: Date;
  /** Methods that begin with a provider: when the provider's session (a liveness check) expires. */
  providerExpiresAt?: Date;
  /** The provider's own result code (liveness: SubCode 200-209). */
  providerSubCode?: string;
  /** Seed 003 MERGE: the subject whose verified records move to the verification's subject. */
  mergeFromSubjectId?: string;
}

/** Methods that begin with a provider at start (liveness: the provider hands out a certify id). */
export interface BeginContext {
  verificationId: string;
  subjectId: string;
  partnerId: string;
  claim: Claim;
  /** What the subject's device sent besides the claim (StartVerificationRequest.method_input). */
  input: Record<string, string>;
  correlationId?: string;
}

export interface BeginResult {
  providerReference: string;
  /** What the subject's device needs (StartVerificationResponse.method_output). */
  output: Record<string, string>;
  /** Kept for processing (e.g. when the provider's session expires). */
  progress: ProcessProgress;
  /** The claim to store instead of the one given, when the source completes it (a roster's ID number). */
  claim?: Claim;
}

export interface ProcessContext {
  verification: Verification;
  claim: Claim;
  progress: ProcessProgress;
  saveProgress(progress: ProcessProgress): Promise<void>;
  correlationId: string;
}

/**
 * One way of proving who someone is. Adding a method is one folder under src/methods/ and one
 * line in the registry; the state machine, storage, events and API are shared.
 */
export interface VerificationMethod {
  readonly name: string;
  /**
   * Checks the claim's shape (what is present, formats) and returns it normalized; throws
   * INVALID_ARGUMENT. ID-number rules are identity-lookup's and are asked of it by the caller.
   */
  validateClaim(claim: Claim): Claim;
  /** Whether the claim carries an ID number identity-lookup must validate before the start. */
  readonly checksIdNumber: boolean;
  /**
   * 'automatic': this service processes it (kicked at start, retried by the sweep);
   * 'external': it is created in PROCESSING by its own flow (not StartVerification) and waits for
   * an outside decision (a reviewer); only once that decision is recorded does the sweep take it,
   * to finish what the decision implies (recording the identity).
   */
  readonly processing: 'automatic' | 'external';
  /** One processing attempt (automatic methods; external ones once their decision is recorded). */
  process?(ctx: ProcessContext): Promise<ProcessResult>;
  /**
   * Runs before a started verification is stored, for methods whose subject takes part through a
   * provider (liveness): obtains the provider's session. Throws as process() would; nothing is
   * stored then.
   */
  begin?(ctx: BeginContext): Promise<BeginResult>;
}
