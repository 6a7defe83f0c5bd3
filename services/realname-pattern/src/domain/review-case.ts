import { failedPrecondition, invalidArgument } from '@kyc/core';

/**
 * The manual-review case of one subject. Numbers are the partner-visible validate_status
 * values of seed 002, which partners already key on.
 */
export enum CaseStatus {
  /** Nothing submitted yet. */
  Draft = 0,
  /** Submitted, waiting for a reviewer; evidence is locked. */
  Pending = 1,
  Approved = 2,
  /** Rejected with a reason; the subject may correct and submit again. */
  Rejected = 3,
}

/** States from which a (re)submission is accepted; in every other state the evidence is locked. */
export const SUBMITTABLE: readonly CaseStatus[] = [CaseStatus.Draft, CaseStatus.Rejected];

/**
 * Every transition a case may make. Submissions move Draft or Rejected to Pending (a new round);
 * a reviewer's decision moves Pending to Approved or Rejected. Approved is final.
 */
const TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  [CaseStatus.Draft]: [CaseStatus.Pending],
  [CaseStatus.Pending]: [CaseStatus.Approved, CaseStatus.Rejected],
  [CaseStatus.Approved]: [],
  [CaseStatus.Rejected]: [CaseStatus.Pending],
};

export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return TRANSITIONS[from]?.includes(to) ?? false;
}

export function canSubmit(status: CaseStatus | undefined): boolean {
  return status === undefined || SUBMITTABLE.includes(status);
}

/**
 * The evidence lock, the one place it is decided: a subject's evidence (photos, identity info) is
 * locked while a case is pending or once approved; a rejection unlocks it for correction. The
 * gateway asks for it (GetReviewCase.evidence_locked) and photo-storage applies what
 * EvidenceLockChanged says; neither derives it.
 */
export function isEvidenceLocked(status: CaseStatus | undefined): boolean {
  return status !== undefined && !SUBMITTABLE.includes(status);
}

/** A submission opens the next round: 1 for the first, +1 after every rejection. */
export function nextRound(current: number | undefined): number {
  return (current ?? 0) + 1;
}

/**
 * Why a reviewer rejected a case. A rejection carries one of these codes (stable, safe to put in
 * events, notifications and the audit trail) and optionally a free-text note. The note is typed by
 * a person looking at a name, an ID number and photos, so it may contain personal data: it is
 * stored encrypted with the case, shown to the subject's partner, and kept out of Kafka and out of
 * the audit trail.
 */
export const REJECTION_REASON_CODES = [
  /** A photo is blurred, cropped, dark or otherwise unreadable. */
  'PHOTO_UNREADABLE',
  /** The face in the hand-held photo does not match the ID card photo. */
  'PHOTO_MISMATCH',
  /** The submitted name or ID number does not match the ID card in the photos. */
  'INFO_MISMATCH',
  /** The document shown is not an acceptable identity card. */
  'DOCUMENT_INVALID',
  'DOCUMENT_EXPIRED',
  'SUSPECTED_FRAUD',
  /** Anything else; the note should say what. */
  'OTHER',
] as const;

export type RejectionReasonCode = (typeof REJECTION_REASON_CODES)[number];

export const MAX_NOTE_LENGTH = 500;

export const REVIEW_ERROR = {
  reviewerRequired: 'KYC.REVIEW.REVIEWER_REQUIRED',
  invalidDecision: 'KYC.REVIEW.INVALID_DECISION',
  roundRequired: 'KYC.REVIEW.ROUND_REQUIRED',
  reasonCodeRequired: 'KYC.REVIEW.REASON_CODE_REQUIRED',
  unknownReasonCode: 'KYC.REVIEW.UNKNOWN_REASON_CODE',
  reasonOnApproval: 'KYC.REVIEW.REASON_ON_APPROVAL',
  noteTooLong: 'KYC.REVIEW.NOTE_TOO_LONG',
  caseNotFound: 'KYC.REVIEW.CASE_NOT_FOUND',
  notSubmitted: 'KYC.REVIEW.NOT_SUBMITTED',
  alreadyDecided: 'KYC.REVIEW.ALREADY_DECIDED',
  staleRound: 'KYC.REVIEW.STALE_ROUND',
} as const;

export type Decision = CaseStatus.Approved | CaseStatus.Rejected;

export interface DecisionRequest {
  /** Must be Approved or Rejected. */
  decision: number;
  /** The round the reviewer looked at. */
  round: number;
  reviewerId: string;
  reasonCode: string;
  note: string;
}

export interface ValidDecision {
  to: Decision;
  round: number;
  reviewerId: string;
  /** Empty when approving. */
  reasonCode: RejectionReasonCode | '';
  /** Empty when approving or when the reviewer wrote none. */
  note: string;
}

/** Checks the request on its own (before the case is looked at); throws INVALID_ARGUMENT. */
export function validateDecision(req: DecisionRequest): ValidDecision {
  const reviewerId = req.reviewerId.trim();
  if (!reviewerId) throw invalidArgument(REVIEW_ERROR.reviewerRequired, 'a decision must name its reviewer');
  if (req.decision !== CaseStatus.Approved && req.decision !== CaseStatus.Rejected) {
    throw invalidArgument(REVIEW_ERROR.invalidDecision, 'a decision approves or rejects');
  }
  if (!Number.isInteger(req.round) || req.round < 1) {
    throw invalidArgument(REVIEW_ERROR.roundRequired, 'a decision must name the submission round it decides');
  }
  const note = req.note.trim();
  const reasonCode = req.reasonCode.trim();
  if (req.decision === CaseStatus.Approved) {
    if (reasonCode || note) throw invalidArgument(REVIEW_ERROR.reasonOnApproval, 'an approval carries no reason');
    return { to: CaseStatus.Approved, round: req.round, reviewerId, reasonCode: '', note: '' };
  }
  if (!reasonCode) throw invalidArgument(REVIEW_ERROR.reasonCodeRequired, 'a rejection needs a reason code');
  if (!(REJECTION_REASON_CODES as readonly string[]).includes(reasonCode)) {
    throw invalidArgument(REVIEW_ERROR.unknownReasonCode, `unknown reason code; known: ${REJECTION_REASON_CODES.join(', ')}`);
  }
  if ([...note].length > MAX_NOTE_LENGTH) {
    throw invalidArgument(REVIEW_ERROR.noteTooLong, `the note is longer than ${MAX_NOTE_LENGTH} characters`);
  }
  return { to: CaseStatus.Rejected, round: req.round, reviewerId, reasonCode: reasonCode as RejectionReasonCode, note };
}

/**
 * Whether the case, as stored, can take this decision; throws FAILED_PRECONDITION when it cannot.
 * A decision applies to exactly the round the reviewer saw: if the case was decided meanwhile, or
 * rejected and resubmitted (a newer round), the reviewer must look again.
 */
export function assertDecidable(current: { status: CaseStatus; round: number }, decision: ValidDecision): void {
  if (current.status === CaseStatus.Draft) {
    throw failedPrecondition(REVIEW_ERROR.notSubmitted, 'the case has not been submitted for review');
  }
  if (current.round !== decision.round) {
    throw failedPrecondition(
      REVIEW_ERROR.staleRound,
      `the case is at submission round ${current.round}, not the round ${decision.round} that was reviewed`,
    );
  }
  if (!canTransition(current.status, decision.to)) {
    throw failedPrecondition(REVIEW_ERROR.alreadyDecided, 'the case was already decided');
  }
}

/**
 * One decision, as recorded in the append-only audit trail: ids, statuses and codes only, no
 * personal data. Its id is unique per (case, round), which is what lets exactly one of several
 * concurrent decisions win.
 */
export interface DecisionRecord {
  _id: string;
  caseId: string;
  round: number;
  fromStatus: CaseStatus;
  toStatus: Decision;
  reviewerId: string;
  reasonCode: string;
  decidedAt: Date;
  /** Event id of the CaseDecided event this decision publishes (the same on every retry). */
  eventId: string;
  correlationId: string;
}

export const decisionId = (caseId: string, round: number) => `${caseId}:${round}`;

/** Whether a recorded decision is the same as a requested one (a retry, not a competitor). */
export function isSameDecision(recorded: Pick<DecisionRecord, 'toStatus' | 'reviewerId' | 'reasonCode'>, decision: ValidDecision): boolean {
  return recorded.toStatus === decision.to && recorded.reviewerId === decision.reviewerId && recorded.reasonCode === decision.reasonCode;
}

/** Context strings bind sealed values to their subject and field (see PiiCipher.seal). */
export const sealContext = {
  name: (subjectId: string) => `case:${subjectId}:name`,
  idNumber: (subjectId: string) => `case:${subjectId}:idcard_number`,
  rejectNote: (subjectId: string) => `case:${subjectId}:reject_note`,
  details: (subjectId: string) => `case:${subjectId}:details`,
};

/** The document a submission shows: a resident ID card (GB 11643 number) unless it says passport. */
export type DocumentType = 'id-card' | 'passport';

/**
 * What a submission round carries besides name and number. Seed 002 submits nothing more (the
 * manual-review method); seed 001's four steps name their method ("document-review"), the
 * document type and the fields the reviewer is shown (country, birthday, validity dates, ...:
 * personal data, sealed with the case).
 */
export interface SubmissionExtras {
  method: string;
  documentType: DocumentType;
  details: Record<string, string>;
}

/** What happened to a review case, as the domain states it; adapters encode these for kyc.review.v1. */
export interface CaseSubmittedEvent {
  type: 'CaseSubmitted';
  caseId: string;
  subjectId: string;
  partnerId: string;
  round: number;
  submittedAt: Date;
}

export interface CaseDecidedEvent {
  type: 'CaseDecided';
  caseId: string;
  subjectId: string;
  partnerId: string;
  status: Decision;
  reviewerId: string;
  round: number;
  /** Catalog code of a rejection; empty when approved. Never the reviewer's note. */
  reasonCode: string;
  decidedAt: Date;
}

export interface SubmissionRefusedEvent {
  type: 'SubmissionRefused';
  subjectId: string;
  partnerId: string;
  reasonCode: string;
}

/** The subject's evidence lock after a submission or decision (see isEvidenceLocked). */
export interface EvidenceLockChangedEvent {
  type: 'EvidenceLockChanged';
  subjectId: string;
  partnerId: string;
  locked: boolean;
  round: number;
  changedAt: Date;
}

export type ReviewEvent = CaseSubmittedEvent | CaseDecidedEvent | SubmissionRefusedEvent | EvidenceLockChangedEvent;

interface CaseIds {
  caseId: string;
  subjectId: string;
  partnerId: string;
}

/** A submission opening `round`: the case is submitted, and its evidence locks with it. */
export function submissionEvents(c: CaseIds, round: number, at: Date): [CaseSubmittedEvent, EvidenceLockChangedEvent] {
  return [
    { type: 'CaseSubmitted', ...c, round, submittedAt: at },
    { type: 'EvidenceLockChanged', subjectId: c.subjectId, partnerId: c.partnerId, locked: isEvidenceLocked(CaseStatus.Pending), round, changedAt: at },
  ];
}

/** A decision of its round: the case is decided, and its evidence stays locked or unlocks. */
export function decisionEvents(c: CaseIds, decision: Pick<DecisionRecord, 'toStatus' | 'reviewerId' | 'round' | 'reasonCode' | 'decidedAt'>): [CaseDecidedEvent, EvidenceLockChangedEvent] {
  return [
    {
      type: 'CaseDecided',
      ...c,
      status: decision.toStatus,
      reviewerId: decision.reviewerId,
      round: decision.round,
      reasonCode: decision.reasonCode,
      decidedAt: decision.decidedAt,
    },
    {
      type: 'EvidenceLockChanged',
      subjectId: c.subjectId,
      partnerId: c.partnerId,
      locked: isEvidenceLocked(decision.toStatus),
      round: decision.round,
      changedAt: decision.decidedAt,
    },
  ];
}
