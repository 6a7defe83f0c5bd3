import { failedPrecondition, invalidArgument } from '@kyc/core';

/**
 * Which photo slots the store accepts: seed 002 names two photo types (t_photo), 0 hand-held ID
 * photo and 1 ID card front. This is the store's own validation of what it is given; which photos
 * a submission requires is realname-pattern's to say (its manual-review method), not this list's.
 */
export const PHOTO_TYPE = { handHeld: 0, idCardFront: 1 } as const;
export const PHOTO_TYPES: readonly number[] = Object.values(PHOTO_TYPE);
export const isPhotoType = (value: number) => PHOTO_TYPES.includes(value);

export const PHOTO_LOCKED = 'KYC.PHOTO.LOCKED';
export const PHOTO_NOT_FOUND = 'KYC.PHOTO.NOT_FOUND';

export const photoLocked = () => failedPrecondition(PHOTO_LOCKED, 'the case was submitted for review; its photos can no longer change');
export const badPhotoType = () => invalidArgument('KYC.REQUEST.PHOTO_TYPE', 'photo_type must be 0 (hand-held) or 1 (ID card front)');

/**
 * Whether an evidence-lock change (realname-pattern's EvidenceLockChanged, which decides the lock)
 * is older than the one already applied: a change of an earlier submission round must not undo a
 * later one. Within a round the changes arrive in order (one subject's events share a key).
 */
export function isStaleLockChange(appliedRound: number | undefined, round: number): boolean {
  return round < (appliedRound ?? 0);
}
