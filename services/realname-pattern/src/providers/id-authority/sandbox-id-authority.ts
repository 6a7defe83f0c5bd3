import { createHash } from 'node:crypto';
import { unavailable } from '@kyc/core';
import { ID_AUTHORITY_ERROR, IdAuthority, IdAuthorityAnswer, IdAuthorityCheck } from './id-authority';

/**
 * Deterministic test identities for `npm start`, integration tests and partners' test mode. The
 * answer depends only on the ID number's sequence code (digits 15-17):
 *
 *   990-994  mismatch
 *   995-996  no record at the authority
 *   997      the authority times out (fails like the HTTP adapter's timeout, after timeoutMs)
 *   998      the authority answers a server error
 *   other    match
 *
 * The table is documented in the service README; partners build test identities from it.
 */
export class SandboxIdAuthority implements IdAuthority {
  constructor(private readonly opts: { timeoutMs: number }) {}

  async check(input: IdAuthorityCheck): Promise<IdAuthorityAnswer> {
    const seq = Number(input.idNumber.slice(14, 17));
    // A reference that is stable per check but does not reveal the ID number.
    const providerReference = `sandbox-${createHash('sha256').update(`${input.idNumber}|${input.name}|${input.mobile ?? ''}`).digest('hex').slice(0, 16)}`;
    if (seq >= 990 && seq <= 994) return { outcome: 'mismatch', providerReference };
    if (seq === 995 || seq === 996) return { outcome: 'no-record', providerReference };
    if (seq === 997) {
      await new Promise((r) => setTimeout(r, this.opts.timeoutMs));
      throw unavailable(ID_AUTHORITY_ERROR.timeout, `id-authority (sandbox): no answer within ${this.opts.timeoutMs} ms`);
    }
    if (seq === 998) throw unavailable(ID_AUTHORITY_ERROR.unavailable, 'id-authority (sandbox): HTTP 500');
    return { outcome: 'match', providerReference };
  }
}
