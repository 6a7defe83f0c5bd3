/**
 * What a seed 002 submission needs before it can go to review. Photo types are the contract's
 * t_photo values: 0 = hand-held ID photo (手持证件照), 1 = ID card front (身份证正面照).
 * Both are required: the front shows the document, the hand-held photo ties it to the person.
 */
export const REQUIRED_PHOTO_TYPES: readonly number[] = [0, 1];

export function missingPhotoTypes(uploaded: readonly number[]): number[] {
  return REQUIRED_PHOTO_TYPES.filter((t) => !uploaded.includes(t));
}
