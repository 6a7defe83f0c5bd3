import { failedPrecondition, invalidArgument } from '@kyc/core';

/**
 * Which photo slots the store accepts: seed 002 names two photo types (t_photo), 0 hand-held ID
 * photo and 1 ID card front; seed 001's four steps add 2, the ID card's back. This is the store's
 * own validation of what it is given; which photos a submission requires is for the flow that
 * submits it to say (realname-pattern's methods, the gateway's seed 001 steps), not this list's.
 */
export const PHOTO_TYPE = { handHeld: 0, idCardFront: 1, idCardBack: 2 } as const;
export const PHOTO_TYPES: readonly number[] = Object.values(PHOTO_TYPE);
export const isPhotoType = (value: number) => PHOTO_TYPES.includes(value);

export const PHOTO_LOCKED = 'KYC.PHOTO.LOCKED';
export const PHOTO_NOT_FOUND = 'KYC.PHOTO.NOT_FOUND';
export const OBJECT_BOUND = 'KYC.PHOTO.OBJECT_BOUND';

export const photoLocked = () => failedPrecondition(PHOTO_LOCKED, 'the case was submitted for review; its photos can no longer change');
export const badPhotoType = () => invalidArgument('KYC.REQUEST.PHOTO_TYPE', 'photo_type must be 0 (hand-held), 1 (ID card front) or 2 (ID card back)');
export const badObjectKey = () =>
  invalidArgument('KYC.REQUEST.OBJECT_KEY', 'object_key must be 1-256 characters of [A-Za-z0-9._/-] without empty or dot-only segments');
export const objectBound = () => failedPrecondition(OBJECT_BOUND, 'the object is already bound to another photo type');

/**
 * Object keys (seed 001 uploads through the OSS-compatible endpoint) are stored as given, so only
 * a conservative alphabet is accepted: no empty segments (`a//b`) and no `.`/`..` segments, which
 * other tools would read as paths.
 */
export function isObjectKey(key: string): boolean {
  if (key.length === 0 || key.length > 256 || !/^[A-Za-z0-9._/-]+$/.test(key)) return false;
  return key.split('/').every((segment) => segment !== '' && !/^\.+$/.test(segment));
}

/**
 * Which unbound objects go when a subject stores another one: objects are waiting to be named by a
 * submission step, so only the `max` most recent are kept and the oldest make room. Replacing an
 * existing key frees its own slot. Returns the keys to evict (oldest first).
 */
export function objectsToEvict(objects: readonly { key: string; storedAt: Date }[], incomingKey: string, max: number): string[] {
  const others = objects.filter((o) => o.key !== incomingKey).sort((a, b) => a.storedAt.getTime() - b.storedAt.getTime());
  const excess = others.length + 1 - Math.max(1, max);
  return excess > 0 ? others.slice(0, excess).map((o) => o.key) : [];
}

/**
 * Whether an evidence-lock change (realname-pattern's EvidenceLockChanged, which decides the lock)
 * is older than the one already applied: a change of an earlier submission round must not undo a
 * later one. Within a round the changes arrive in order (one subject's events share a key).
 */
export function isStaleLockChange(appliedRound: number | undefined, round: number): boolean {
  return round < (appliedRound ?? 0);
}
