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

/** States from which a (re)submission is accepted. */
export const SUBMITTABLE: readonly CaseStatus[] = [CaseStatus.Draft, CaseStatus.Rejected];

export function canSubmit(status: CaseStatus | undefined): boolean {
  return status === undefined || SUBMITTABLE.includes(status);
}

/** Evidence (photos, info) is locked while a case is pending or once approved. */
export function isLocked(status: CaseStatus | undefined): boolean {
  return status !== undefined && !SUBMITTABLE.includes(status);
}

/** Context strings bind sealed values to their subject and field (see PiiCipher.seal). */
export const sealContext = {
  name: (subjectId: string) => `case:${subjectId}:name`,
  idNumber: (subjectId: string) => `case:${subjectId}:idcard_number`,
};
