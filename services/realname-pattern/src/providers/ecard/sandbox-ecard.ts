import { createHash } from 'node:crypto';
import { unavailable } from '@kyc/core';
import { ECARD_ERROR, EcardAnswer, EcardPasswordCheck, EcardSystem, checkEcardPasswordCheck } from './ecard';

/**
 * Deterministic test accounts for `npm start`, integration tests and partners' test mode, at any
 * school (customerCode). The answer depends on the outid's last three characters and the password:
 *
 *   ...990   no-account (no card with this outid)
 *   ...991   name-mismatch (the card belongs to someone else)
 *   ...992   locked (too many wrong passwords)
 *   ...997   the school's system times out (fails like the HTTP adapter's timeout, after timeoutMs)
 *   ...998   the school's system is down (KYC.ECARD.UNAVAILABLE)
 *   other    match with the password 123456 (seed 003's example), wrong-password with any other
 *
 * The table is documented in the service README (SANDBOX_ECARD); partners build test accounts from it.
 */
export const SANDBOX_ECARD = {
  password: '123456',
  noAccount: '990',
  nameMismatch: '991',
  locked: '992',
  timeout: '997',
  down: '998',
} as const;

export class SandboxEcard implements EcardSystem {
  constructor(private readonly opts: { timeoutMs: number }) {}

  async verifyPassword(input: EcardPasswordCheck): Promise<EcardAnswer> {
    checkEcardPasswordCheck(input);
    const suffix = input.outid.slice(-3);
    if (suffix === SANDBOX_ECARD.timeout) {
      await new Promise((r) => setTimeout(r, this.opts.timeoutMs));
      throw unavailable(ECARD_ERROR.timeout, `ecard (sandbox): no answer within ${this.opts.timeoutMs} ms`);
    }
    if (suffix === SANDBOX_ECARD.down) throw unavailable(ECARD_ERROR.unavailable, 'ecard (sandbox): HTTP 500');
    // A reference stable per account that reveals neither the outid nor the password.
    const providerReference = `sandbox-${createHash('sha256').update(`${input.customerCode}|${input.outid}`).digest('hex').slice(0, 16)}`;
    if (suffix === SANDBOX_ECARD.noAccount) return { outcome: 'no-account', providerReference };
    if (suffix === SANDBOX_ECARD.nameMismatch) return { outcome: 'name-mismatch', providerReference };
    if (suffix === SANDBOX_ECARD.locked) return { outcome: 'locked', providerReference };
    return { outcome: input.password === SANDBOX_ECARD.password ? 'match' : 'wrong-password', providerReference };
  }
}
