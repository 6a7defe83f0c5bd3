/**
 * Passports as verified documents (seed 001, currentLocation 2). Unlike a resident ID number, a
 * passport number encodes nothing: the birth date, gender and issuing country are what the
 * reviewer approved on the data page, so they are checked for shape here and taken as given.
 */
import { invalidArgument } from '@kyc/core';

/** Machine-readable travel document numbers: 5-20 letters and digits, at least one digit (ICAO 9303 allows up to 9 in the MRZ; national schemes print longer ones). */
const PASSPORT_NUMBER = /^(?=.*\d)[A-Z0-9]{5,20}$/;
/** Names as passports print them: letters of any script, with the separators names use. */
const HOLDER_NAME = /^[\p{L}\p{M}][\p{L}\p{M}·•.' -]{0,63}$/u;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const recordInvalid = (message: string) => invalidArgument('KYC.IDENTITY.RECORD_INVALID', message);

export const normalizePassportNumber = (raw: string): string => raw.replace(/\s+/g, '').toUpperCase();

export interface PassportFacts {
  name: string;
  passportNumber: string;
  birthDate: string;
  gender: 'M' | 'F';
  nationality: string;
}

/** Checks what an approved passport proved; throws invalid_argument naming the field. */
export function checkPassport(input: { name: string; passportNumber: string; birthDate?: string; gender?: string; nationality?: string }): PassportFacts {
  const name = input.name.trim();
  if (!HOLDER_NAME.test(name) || /\s{2,}/.test(name)) throw recordInvalid('name must be 1-64 letters with the separators names use');
  const passportNumber = normalizePassportNumber(input.passportNumber);
  if (!PASSPORT_NUMBER.test(passportNumber)) throw recordInvalid('a passport number is 5-20 letters and digits');
  const birthDate = input.birthDate ?? '';
  if (!DATE.test(birthDate) || Number.isNaN(new Date(`${birthDate}T00:00:00Z`).getTime())) throw recordInvalid('a passport record needs birth_date (YYYY-MM-DD)');
  if (input.gender !== 'M' && input.gender !== 'F') throw recordInvalid('a passport record needs gender "M" or "F"');
  const nationality = (input.nationality ?? '').trim();
  if (!nationality || nationality.length > 64) throw recordInvalid('a passport record needs nationality');
  return { name, passportNumber, birthDate, gender: input.gender, nationality };
}
