/**
 * What a seed 002 submission needs before it can go to review. Photo types are the contract's
 * t_photo values: 0 = hand-held ID photo (手持证件照), 1 = ID card front (身份证正面照).
 * Both are required: the front shows the document, the hand-held photo ties it to the person.
 */
export const REQUIRED_PHOTO_TYPES: readonly number[] = [0, 1];

export function missingPhotoTypes(uploaded: readonly number[]): number[] {
  return REQUIRED_PHOTO_TYPES.filter((t) => !uploaded.includes(t));
}

/**
 * validate_status values (seed 002) under which the user's photos and info are locked: submitted
 * and waiting for review (1), or approved (2). A rejection (3) unlocks them for correction.
 */
export const LOCKED_VALIDATE_STATUSES: readonly number[] = [1, 2];

export const isEvidenceLocked = (validateStatus: number) => LOCKED_VALIDATE_STATUSES.includes(validateStatus);
