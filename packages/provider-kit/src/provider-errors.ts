/**
 * The error codes every provider shares, one family per provider (`KYC.ID_AUTHORITY.TIMEOUT`,
 * `KYC.SMS.BREAKER_OPEN`, ...), so dashboards and callers read the same failure the same way
 * whichever provider it came from. All of them are `unavailable` (retriable) KycErrors: the
 * provider could not give an answer now, which says nothing about the request.
 */
export interface ProviderErrorCodes<P extends string = string> {
  /** No answer within the per-attempt timeout. */
  timeout: `KYC.${P}.TIMEOUT`;
  /** Connection failures and 5xx answers, once retries (if any) ran out. */
  unavailable: `KYC.${P}.UNAVAILABLE`;
  /** The breaker is open: the call was not attempted. */
  breakerOpen: `KYC.${P}.BREAKER_OPEN`;
  /** An answer that does not follow the provider's published format. */
  badAnswer: `KYC.${P}.BAD_ANSWER`;
  /** The provider refused the call (credentials, signature, quota, 4xx). */
  refused: `KYC.${P}.REFUSED`;
}

export function providerErrorCodes<P extends string>(provider: P): ProviderErrorCodes<P> {
  if (!/^[A-Z][A-Z0-9_]*$/.test(provider)) throw new Error(`provider error prefix must be upper snake case, got "${provider}"`);
  return {
    timeout: `KYC.${provider}.TIMEOUT`,
    unavailable: `KYC.${provider}.UNAVAILABLE`,
    breakerOpen: `KYC.${provider}.BREAKER_OPEN`,
    badAnswer: `KYC.${provider}.BAD_ANSWER`,
    refused: `KYC.${provider}.REFUSED`,
  };
}
