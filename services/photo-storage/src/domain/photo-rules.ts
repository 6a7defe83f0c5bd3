import { failedPrecondition, invalidArgument } from '@kyc/core';

/**
 * Which photos a subject may hold and when they may change. Seed 002 names two photo types
 * (t_photo): 0 hand-held ID photo, 1 ID card front.
 */
export const PHOTO_TYPE = { handHeld: 0, idCardFront: 1 } as const;
export const PHOTO_TYPES: readonly number[] = Object.values(PHOTO_TYPE);
export const isPhotoType = (value: number) => PHOTO_TYPES.includes(value);

export const PHOTO_LOCKED = 'KYC.PHOTO.LOCKED';
export const PHOTO_NOT_FOUND = 'KYC.PHOTO.NOT_FOUND';

export const photoLocked = () => failedPrecondition(PHOTO_LOCKED, 'the case was submitted for review; its photos can no longer change');
export const badPhotoType = () => invalidArgument('KYC.REQUEST.PHOTO_TYPE', 'photo_type must be 0 (hand-held) or 1 (ID card front)');

/** What happened to the subject's review case, as far as photos care. */
export type ReviewOutcome = 'submitted' | 'approved' | 'rejected';

/**
 * Photos lock when the case is submitted and stay locked once approved; a rejection reopens them
 * so the subject can fix what the reviewer rejected and submit again.
 */
export function lockedAfter(outcome: ReviewOutcome): boolean {
  return outcome !== 'rejected';
}
