/**
 * A verified identity: what a succeeded verification proved about one subject of one partner.
 * For a resident ID card, birth date, gender, region and 户籍地址 are read off the ID number here,
 * never taken from the caller, so a record cannot contradict its own number. A passport's number
 * encodes nothing: its birth date, gender and nationality are the approved document's.
 */
import { invalidArgument } from '@kyc/core';
import { checkName, normalizeIdNumber, parseIdNumber } from './id-card';
import { checkPassport } from './passport';
import { RegionCatalog } from './regions';

/** roster-member: a campus roster membership proved without an ID number (idNumber is the member id). */
export type DocumentType = 'resident-id-card' | 'passport' | 'roster-member';

/** Roster member ids are opaque (identity-lookup's own), letters, digits and a few separators. */
const MEMBER_ID = /^[A-Za-z0-9:._-]{1,200}$/;

/** What the verifying service reports. */
export interface VerifiedIdentityProof {
  partnerId: string;
  subjectId: string;
  name: string;
  idNumber: string;
  /** YYYY-MM-DD or empty when the method did not read the document. */
  documentValidFrom: string;
  documentValidTo: string;
  /** photo-storage ids, or empty. */
  cardFrontPhotoId: string;
  cardBackPhotoId: string;
  method: string;
  verificationId: string;
  verifiedAt: Date;
  /** Absent: a resident ID card. */
  documentType?: DocumentType;
  /** Passports only: what the approved data page shows (an ID card's number carries its own). */
  birthDate?: string;
  gender?: string;
  nationality?: string;
}

export interface VerifiedIdentity extends VerifiedIdentityProof {
  documentType: DocumentType;
  /** Empty for a roster membership (the roster proves neither). */
  birthDate: string;
  gender: 'M' | 'F' | '';
  /** ID cards: GB/T 2260 code and 户籍地址; empty for passports. */
  regionCode: string;
  address: string;
  /** Passports: the issuing country; empty for ID cards. */
  nationality: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const recordInvalid = (message: string) => invalidArgument('KYC.IDENTITY.RECORD_INVALID', message);

/** Checks a proof and derives the facts its ID number carries; throws an invalid_argument KycError. */
export function deriveVerifiedIdentity(proof: VerifiedIdentityProof, regions: RegionCatalog): VerifiedIdentity {
  for (const field of ['partnerId', 'subjectId', 'verificationId', 'method'] as const) {
    if (!proof[field].trim()) throw recordInvalid(`${field} is required`);
  }
  for (const field of ['documentValidFrom', 'documentValidTo'] as const) {
    if (proof[field] && !DATE.test(proof[field])) throw recordInvalid(`${field} must be YYYY-MM-DD`);
  }
  if (Number.isNaN(proof.verifiedAt.getTime())) throw recordInvalid('verifiedAt is required');
  if (proof.documentType === 'passport') {
    const { passportNumber, ...facts } = checkPassport({ ...proof, passportNumber: proof.idNumber });
    return { ...proof, ...facts, idNumber: passportNumber, documentType: 'passport', regionCode: '', address: '' };
  }
  if (proof.documentType === 'roster-member') {
    if (!MEMBER_ID.test(proof.idNumber)) throw recordInvalid('a roster membership names the roster member id');
    const none = { birthDate: '', gender: '' as const, regionCode: '', address: '', nationality: '' };
    return { ...proof, ...none, documentType: 'roster-member', name: checkName(proof.name) };
  }
  const name = checkName(proof.name);
  const facts = parseIdNumber(proof.idNumber);
  return {
    ...proof,
    documentType: 'resident-id-card',
    name,
    idNumber: normalizeIdNumber(proof.idNumber),
    birthDate: facts.birthDate,
    gender: facts.gender === 'male' ? 'M' : 'F',
    regionCode: facts.regionCode,
    address: regions.addressOf(facts.regionCode),
    nationality: '',
  };
}

export type RecordDecision = 'write' | 'already-recorded' | 'superseded';

/**
 * Whether a proof replaces a subject's current identity. One current identity per subject, and the
 * latest proof wins: a re-verification (even with another ID number, e.g. a corrected or
 * re-issued card) is newer evidence about who the subject is, so it replaces the old record rather
 * than sitting beside it. A repeat of the recorded verification changes nothing, and a late
 * delivery of an older verification does not undo a newer one.
 */
export function decideRecord(current: VerifiedIdentity | undefined, incoming: VerifiedIdentity): RecordDecision {
  if (!current) return 'write';
  if (current.verificationId === incoming.verificationId) return 'already-recorded';
  if (current.verifiedAt.getTime() > incoming.verifiedAt.getTime()) return 'superseded';
  return 'write';
}
