/**
 * A verified mobile: the number a succeeded verification (seed 003 MOBILE) proved a subject of a
 * partner uses. Like an ID number it is held by at most one subject of a partner, so a number
 * already proved by another user is a conflict (seed 003's 409/410), and a subject has one (the
 * latest proof wins, as for the identity).
 */
import { invalidArgument } from '@kyc/core';

export interface VerifiedMobile {
  partnerId: string;
  subjectId: string;
  /** 11-digit national number of a mainland mobile. */
  mobile: string;
  method: string;
  verificationId: string;
  verifiedAt: Date;
}

const MAINLAND_MOBILE = /^1\d{10}$/;

const recordInvalid = (message: string) => invalidArgument('KYC.IDENTITY.RECORD_INVALID', message);

/** Checks a proof of a mobile; throws an invalid_argument KycError naming the field. */
export function checkVerifiedMobile(proof: VerifiedMobile): VerifiedMobile {
  for (const field of ['partnerId', 'subjectId', 'verificationId', 'method'] as const) {
    if (!proof[field].trim()) throw recordInvalid(`${field} is required`);
  }
  const mobile = proof.mobile.trim();
  if (!MAINLAND_MOBILE.test(mobile)) throw recordInvalid('mobile must be the 11-digit national number of a mainland mobile');
  if (Number.isNaN(proof.verifiedAt.getTime())) throw recordInvalid('verifiedAt is required');
  return { ...proof, mobile };
}

/** What may be shown of a number: the first three and last two digits ("18012345611" -> "180******11"). */
export function maskMobile(mobile: string): string {
  if (mobile.length < 6) return '*'.repeat(mobile.length);
  return `${mobile.slice(0, 3)}${'*'.repeat(mobile.length - 5)}${mobile.slice(-2)}`;
}
