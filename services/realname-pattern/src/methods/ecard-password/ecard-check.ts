import { invalidArgument, isKycError } from '@kyc/core';
import { RosterMember } from '../../application/roster-directory';
import { ECARD_ERROR, EcardOutcome, EcardSystem } from '../../providers/ecard/ecard';
import { ROSTER_RESULT } from '../roster-match/roster-method';

export interface EcardDeps {
  ecard: EcardSystem;
}

/** Result codes of a refused e-card password check (no personal data). */
export const ECARD_RESULT: Record<Exclude<EcardOutcome, 'match'>, string> & { notAvailable: string } = {
  'wrong-password': 'ECARD.WRONG_PASSWORD',
  'no-account': 'ECARD.NO_ACCOUNT',
  'name-mismatch': 'ECARD.NAME_MISMATCH',
  locked: 'ECARD.LOCKED',
  notAvailable: ROSTER_RESULT.ecardNotAvailable,
};

/** A school that runs an e-card system needs the password (IMPORT-ECARD, RELATION type 1, ECARD). */
export const ECARD_PASSWORD_REQUIRED = 'KYC.ECARD.PASSWORD_REQUIRED';

/** The e-card password of method_input; never logged, never stored, never echoed in an error. */
export function ecardPasswordOf(input: Record<string, string>): string {
  const password = input.password ?? '';
  if (!password) throw invalidArgument(ECARD_PASSWORD_REQUIRED, 'password is required (the e-card consumption password)');
  return password;
}

/**
 * Asks the roster person's school e-card system whether the password is theirs. Returns undefined
 * when it is, otherwise the result code to fail with: a school without an e-card system or without
 * a connector is ECARD.NOT_AVAILABLE. A school system that cannot answer (timeout, down, breaker
 * open) throws its retriable KycError: nothing is stored and the caller may try again.
 */
export async function checkEcardPassword(ecard: EcardSystem, member: RosterMember | undefined, password: string): Promise<string | undefined> {
  const school = member?.school;
  if (!member || !school?.ecardSchool) return ECARD_RESULT.notAvailable;
  try {
    const answer = await ecard.verifyPassword({ customerCode: school.customerCode, outid: member.outid, name: member.name, password });
    return answer.outcome === 'match' ? undefined : ECARD_RESULT[answer.outcome];
  } catch (err) {
    if (isKycError(err) && err.code === ECARD_ERROR.schoolNotConnected) return ECARD_RESULT.notAvailable;
    throw err;
  }
}
