/**
 * A school's e-card (一卡通) system: checks that an outid (student/staff number or card number)
 * belongs to the named person and that the consumption password given is theirs. Seed 003's
 * ECARD, IMPORT-ECARD (at schools that run an e-card system) and RELATION type 1 ask it. Schools
 * run different e-card products with no common public API, so each school exposes the platform's
 * e-card connector (wire format at the top of http-ecard.ts). Adapters: the real HTTP one and a
 * sandbox with deterministic test accounts, chosen by ECARD_MODE.
 *
 * The password is the person's secret: it goes to the school and nowhere else. It is never
 * logged, stored or put in an error. A check may move the school's lock-out counter, so it is
 * never sent again once the school may have received it.
 */
import { failedPrecondition, invalidArgument, KycError } from '@kyc/core';
import { providerErrorCodes } from '@kyc/provider-kit';

export interface EcardPasswordCheck {
  /** The school (seed 003 customerCode). */
  customerCode: string;
  /** Student/staff number or card number at that school. */
  outid: string;
  name: string;
  /** The e-card consumption password (消费密码). */
  password: string;
}

export type EcardOutcome = 'match' | 'wrong-password' | 'no-account' | 'name-mismatch' | 'locked';

export interface EcardAnswer {
  outcome: EcardOutcome;
  /** The school's reference of the check ('' when it gives none). */
  providerReference: string;
}

export interface EcardSystem {
  /**
   * Throws KYC.ECARD.BAD_INPUT (invalid_argument) for input no school takes,
   * KYC.ECARD.SCHOOL_NOT_CONNECTED (failed_precondition) for a school without a connector, and a
   * retriable KycError when the school's system cannot answer now.
   */
  verifyPassword(input: EcardPasswordCheck): Promise<EcardAnswer>;
}

export const ECARD_OUTCOMES: readonly EcardOutcome[] = ['match', 'wrong-password', 'no-account', 'name-mismatch', 'locked'];

export const ECARD_ERROR = {
  ...providerErrorCodes('ECARD'),
  badInput: 'KYC.ECARD.BAD_INPUT',
  schoolNotConnected: 'KYC.ECARD.SCHOOL_NOT_CONNECTED',
} as const;

const bad = (field: string, rule: string): KycError => invalidArgument(ECARD_ERROR.badInput, `ecard: ${field} ${rule}`);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Refuses input no school takes, naming the field and never its value. */
export function checkEcardPasswordCheck(input: EcardPasswordCheck): void {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(input.customerCode ?? '')) throw bad('customerCode', 'must be 1-32 letters, digits, _ or -');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(input.outid ?? '')) throw bad('outid', 'must be 1-64 letters, digits, _ or -');
  const name = (input.name ?? '').trim();
  if (!name || name.length > 64 || CONTROL.test(name)) throw bad('name', 'must be 1-64 printable characters');
  const password = input.password ?? '';
  if (!password || password.length > 64 || CONTROL.test(password)) throw bad('password', 'must be 1-64 printable characters');
}

export const schoolNotConnected = (customerCode: string): KycError =>
  failedPrecondition(ECARD_ERROR.schoolNotConnected, `ecard: school ${customerCode} has no e-card connector configured`);
