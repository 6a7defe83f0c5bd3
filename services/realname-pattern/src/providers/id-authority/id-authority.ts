/**
 * The ID authority: checks a name and ID number (two elements), and a mobile number registered
 * to them (three elements), against the national records. Adapters: a real HTTP one and a
 * sandbox with deterministic test identities, chosen by ID_AUTHORITY_MODE.
 */
import { providerErrorCodes } from '@kyc/provider-kit';

export interface IdAuthorityCheck {
  name: string;
  idNumber: string;
  /** Given: three-element check. */
  mobile?: string;
}

export type IdAuthorityOutcome = 'match' | 'mismatch' | 'no-record';

export interface IdAuthorityAnswer {
  outcome: IdAuthorityOutcome;
  /** The authority's own reference for the check (its order number). */
  providerReference: string;
}

export interface IdAuthority {
  /** Throws a retriable KycError (kind unavailable) when the authority cannot answer now. */
  check(input: IdAuthorityCheck): Promise<IdAuthorityAnswer>;
}

/** KYC.ID_AUTHORITY.TIMEOUT, .UNAVAILABLE, .BREAKER_OPEN, .BAD_ANSWER, .REFUSED */
export const ID_AUTHORITY_ERROR = providerErrorCodes('ID_AUTHORITY');
