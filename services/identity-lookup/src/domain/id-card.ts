/**
 * Resident identity card numbers (GB 11643-1999): 6-digit administrative division code,
 * 8-digit birth date, 3-digit sequence (odd = male), ISO 7064 MOD 11-2 check character.
 * Pure rules: no transport, no storage.
 */
import { invalidArgument, KycError } from '@kyc/core';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** Province-level division codes (first two digits), including 71/81/82 (Taiwan, Hong Kong, Macao) and 83 (Taiwan residence permits). */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65,
  71, 81, 82, 83,
]);

export interface IdCardFacts {
  regionCode: string;
  birthDate: string;
  gender: 'male' | 'female';
}

export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/** The form a number is stored, compared and indexed in: no surrounding blanks, upper-case X. */
export function normalizeIdNumber(raw: string): string {
  return raw.trim().toUpperCase();
}

/** Returns the facts encoded in a valid number, or throws a KycError naming the rule broken. */
export function parseIdNumber(raw: string, today: Date = new Date()): IdCardFacts {
  const id = normalizeIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(id)) {
    throw invalidArgument('KYC.IDENTITY.INVALID_FORMAT', 'ID number must be 17 digits followed by a digit or X');
  }
  if (!PROVINCES.has(Number(id.slice(0, 2)))) {
    throw invalidArgument('KYC.IDENTITY.INVALID_REGION', 'ID number has an unknown region code');
  }
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  const isRealDate = birth.getUTCFullYear() === y && birth.getUTCMonth() === m - 1 && birth.getUTCDate() === d;
  if (!isRealDate || y < 1900 || birth.getTime() > today.getTime()) {
    throw invalidArgument('KYC.IDENTITY.INVALID_BIRTH_DATE', 'ID number has an impossible birth date');
  }
  if (checkCharacter(id) !== id[17]) {
    throw invalidArgument('KYC.IDENTITY.INVALID_CHECK_DIGIT', 'ID number check character does not match');
  }
  return {
    regionCode: id.slice(0, 6),
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    gender: Number(id[16]) % 2 === 1 ? 'male' : 'female',
  };
}

/**
 * Names as written on the card: 2–30 characters of Han script, or Latin letters for foreign
 * names, with the middle dot used in transliterated minority names and single spaces.
 */
export function checkName(raw: string): string {
  const name = raw.trim();
  if (!/^[\p{Script=Han}A-Za-z][\p{Script=Han}A-Za-z·•. ]{0,28}[\p{Script=Han}A-Za-z]$/u.test(name) || /\s{2,}/.test(name)) {
    throw invalidArgument('KYC.IDENTITY.INVALID_NAME', 'name must be 2-30 Han or Latin letters, with · or single spaces between parts');
  }
  return name;
}

export function describeInvalid(err: unknown): { code: string; message: string } | undefined {
  return err instanceof KycError && err.kind === 'invalid_argument' ? { code: err.code, message: err.message } : undefined;
}
