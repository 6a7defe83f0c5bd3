import { CaseStatus, DecisionRecord, SubmissionExtras } from '../domain/review-case';
import { Claim, Verification, VerificationCompleted, VerificationStarted } from '../domain/verification';
import { ProcessProgress } from '../methods/method';

/** identity-lookup, as the verification core needs it. */
export interface IdentityRegistry {
  validateIdNumber(input: { idNumber: string; name: string }, correlationId: string): Promise<{ valid: boolean; reasonCode: string }>;
  /** Records what a succeeded verification proved; conflict when another subject of the partner holds the ID number. */
  recordVerifiedIdentity(
    input: {
      partnerId: string;
      subjectId: string;
      name: string;
      idNumber: string;
      method: string;
      verificationId: string;
      verifiedAt: Date;
      cardFrontPhotoId?: string;
      cardBackPhotoId?: string;
      /** YYYY-MM-DD, when the method read the document's validity. */
      documentValidFrom?: string;
      documentValidTo?: string;
      /** A passport (seed 001): its number is idNumber, and the approved data page gives these. */
      passport?: { birthDate: string; gender: 'M' | 'F'; nationality: string };
      /** Seed 003: idNumber is a roster member id (a membership proved without an ID number). */
      rosterMember?: boolean;
    },
    correlationId: string,
  ): Promise<{ conflict: boolean }>;
}

/** identity-lookup's verified mobiles (seed 003 MOBILE): a number is held by one subject of a partner. */
export interface VerifiedMobileRegistry {
  /** Records the number a verification proved; conflict when another subject of the partner holds it. */
  recordVerifiedMobile(
    input: { partnerId: string; subjectId: string; mobile: string; method: string; verificationId: string; verifiedAt: Date },
    correlationId: string,
  ): Promise<{ conflict: boolean }>;
  /** A subject's verified mobile in clear (to send it a MERGE code), undefined when it has none. */
  verifiedNumberOf(partnerId: string, subjectId: string, correlationId: string): Promise<string | undefined>;
  /**
   * Seed 003 MERGE: moves every verified record of one subject to another, each in one conditioned
   * single-document update; repeated after it completed, it moves nothing.
   */
  transferVerifiedRecords(
    input: { partnerId: string; fromSubjectId: string; toSubjectId: string },
    correlationId: string,
  ): Promise<{ identityMoved: boolean; mobileMoved: boolean }>;
}

/** A verification as stored, with what processing needs between attempts. */
export interface StoredVerification {
  verification: Verification;
  progress: ProcessProgress;
  attempts: number;
  /** When processing first began (the give-up clock starts here). */
  firstAttemptAt?: Date;
  correlationId: string;
}

export interface VerificationStore {
  /**
   * Inserts a new verification with its claim and VerificationStarted in one write. When the
   * partner's idempotency key was used before, nothing is written and the earlier one is returned.
   */
  insertStarted(input: {
    verification: Verification;
    claim: Claim;
    idempotencyKey: string;
    event: VerificationStarted;
    correlationId: string;
    /** External methods: not due for processing until recordExternalDecision. */
    awaitsExternalDecision?: boolean;
    /** What processing starts from (methods that began with a provider). */
    progress?: ProcessProgress;
  }): Promise<{ verification: Verification; created: boolean }>;
  findById(id: string): Promise<Verification | undefined>;
  /** By its ticket (seed 003 rnAuthTicket). */
  findByTicket(ticket: string): Promise<Verification | undefined>;
  latestForSubject(subjectId: string, method?: string): Promise<Verification | undefined>;
  openClaim(id: string): Promise<Claim>;
  /**
   * Takes the processing lease of an open verification whose lease has expired and whose next
   * attempt is due, moving it to PROCESSING; undefined when it is not (final, leased, or not due).
   */
  acquireLease(id: string, leaseMs: number, now: Date): Promise<(StoredVerification & { claim: Claim }) | undefined>;
  saveProgress(id: string, progress: ProcessProgress): Promise<void>;
  /** Releases the lease and sets when the next attempt is due. */
  scheduleRetry(id: string, nextAttemptAt: Date, attempts: number): Promise<void>;
  /**
   * Stores the final state with VerificationCompleted in one update, only if the verification is
   * still open; false when it was already final.
   */
  complete(verification: Verification, event: VerificationCompleted, correlationId: string): Promise<boolean>;
  /**
   * Records the outside decision an external verification waited for (in its progress) and makes it
   * due for processing at once. Only the first decision counts; false when the verification is
   * final, missing or already has one.
   */
  recordExternalDecision(id: string, progress: ProcessProgress): Promise<boolean>;
  /** Makes an open verification due now (a subject asks for its outcome); a held lease is left alone. */
  makeDue(id: string): Promise<void>;
  /** Which of these verification ids exist. */
  existingIds(ids: string[]): Promise<string[]>;
  /** Ids of open verifications of these methods whose lease expired and whose next attempt is due. */
  dueForProcessing(methods: string[], now: Date, limit: number): Promise<string[]>;
}

export interface CaseSummaryView {
  caseId: string;
  caseNumber: number;
  subjectId: string;
  partnerId: string;
  status: CaseStatus;
  round: number;
  submittedAt?: Date;
}

export interface ReviewCaseView extends CaseSummaryView {
  found: boolean;
  name: string;
  idNumber: string;
  /** The reviewer's note of the latest rejection (opened), or a legacy clear-text reason. */
  rejectReason: string;
  rejectReasonCode: string;
  /** Method, document type and extra fields of the current round; absent for seed 002 rounds (manual review of an ID card). */
  extras?: SubmissionExtras;
}

/** The review cases, as the decision use cases need them. */
export interface ReviewCaseStore {
  /** The subject's case (found=false when it has none). */
  find(subjectId: string): Promise<ReviewCaseView>;
  findByCaseId(caseId: string): Promise<ReviewCaseView>;
  summaryByCaseId(caseId: string): Promise<CaseSummaryView | undefined>;
  pendingSince(before: Date, limit?: number): Promise<{ subjectId: string; caseId: string; round: number }[]>;
  applyDecision(subjectId: string, decision: DecisionRecord, note?: string): Promise<boolean>;
}

export type ClaimResult = { won: true } | { won: false; existing: DecisionRecord };

/** The append-only review audit trail. */
export interface ReviewAuditStore {
  claim(record: DecisionRecord): Promise<ClaimResult>;
  get(id: string): Promise<DecisionRecord | undefined>;
  byIds(ids: string[]): Promise<DecisionRecord[]>;
  forCase(caseId: string): Promise<DecisionRecord[]>;
}
