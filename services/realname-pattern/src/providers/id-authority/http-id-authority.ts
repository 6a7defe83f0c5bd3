/**
 * ID authority over HTTP, in the wire format of the widely used Alibaba Cloud Market
 * ID-verification APIs (身份证二要素 / 三要素核验):
 *
 *   POST {base}/verify/idcard            two elements: name + ID number
 *   POST {base}/verify/idcard-mobile     three elements: name + ID number + mobile
 *   Authorization: APPCODE <appcode>
 *   Content-Type: application/x-www-form-urlencoded; charset=UTF-8
 *   body: name=<name>&idcard=<ID number>[&mobile=<mobile>]
 *
 *   200 {"code": 0, "message": "成功",
 *        "result": {"res": "1" | "2" | "3", "description": "...", "orderNo": "..."}}
 *     res 1 = the elements match, 2 = they do not, 3 = the authority has no record;
 *     orderNo is the authority's reference for the check.
 *   code != 0, or any non-2xx status: the check was not made (bad appcode, quota, outage).
 *
 * Every attempt has a timeout (ID_AUTHORITY_TIMEOUT_MS). Connection refused and 502/503/504 are
 * retried with back-off inside one check: the check only reads the authority's records, so asking
 * again cannot change anything there (at worst it is billed twice, and these failures mean the
 * request most likely never reached the authority). Other failures are not retried here; they
 * surface as a retriable error and the verification is retried later. All remote failures feed
 * an opossum breaker, so a dead authority is not hammered and callers fail fast while it is open.
 * Neither the appcode nor request bodies are ever logged.
 */
import CircuitBreaker from 'opossum';
import { isKycError, Logger, unavailable } from '@kyc/core';
import { ID_AUTHORITY_ERROR, IdAuthority, IdAuthorityAnswer, IdAuthorityCheck, IdAuthorityOutcome } from './id-authority';

export interface HttpIdAuthorityOptions {
  /** Base URL, e.g. https://idcert.market.alicloudapi.com */
  baseUrl: string;
  appcode: string;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Extra attempts for connection refused / 502 / 503 / 504. */
  retries: number;
  /** First back-off; doubles per retry. */
  retryBaseMs: number;
  breaker: { volumeThreshold: number; errorThresholdPercentage: number; resetTimeoutMs: number };
  logger: Logger;
  /** Called with every check's outcome (for metrics): match, mismatch, no-record, error, breaker-open. */
  onResult?: (result: IdAuthorityOutcome | 'error' | 'breaker-open') => void;
}

const RES: Record<string, IdAuthorityOutcome> = { '1': 'match', '2': 'mismatch', '3': 'no-record' };
const RETRIABLE_STATUS = new Set([502, 503, 504]);

interface WireAnswer {
  code?: number | string;
  message?: string;
  result?: { res?: string; description?: string; orderNo?: string };
}

/** A failure worth retrying within the same check (see the header). */
class TransientFailure extends Error {}

export class HttpIdAuthority implements IdAuthority {
  private readonly breaker: CircuitBreaker<[IdAuthorityCheck], IdAuthorityAnswer>;

  constructor(private readonly opts: HttpIdAuthorityOptions) {
    if (!opts.baseUrl) throw new Error('ID_AUTHORITY_URL is required when ID_AUTHORITY_MODE=http');
    if (!opts.appcode) throw new Error('ID_AUTHORITY_APPCODE is required when ID_AUTHORITY_MODE=http');
    this.breaker = new CircuitBreaker((input: IdAuthorityCheck) => this.checkWithRetries(input), {
      name: 'id-authority',
      // Each attempt has its own AbortSignal timeout; a breaker-level timeout would cut retries short.
      timeout: false,
      volumeThreshold: opts.breaker.volumeThreshold,
      errorThresholdPercentage: opts.breaker.errorThresholdPercentage,
      resetTimeout: opts.breaker.resetTimeoutMs,
      // Only the authority's failures count; a fault of this process (a bug) says nothing of it.
      errorFilter: (err: unknown) => !(isKycError(err) && err.kind === 'unavailable'),
    });
    this.breaker.on('open', () => opts.logger.warn({ callee: 'id-authority' }, 'circuit breaker opened'));
    this.breaker.on('halfOpen', () => opts.logger.info({ callee: 'id-authority' }, 'circuit breaker half-open: trying one check'));
    this.breaker.on('close', () => opts.logger.info({ callee: 'id-authority' }, 'circuit breaker closed'));
  }

  async check(input: IdAuthorityCheck): Promise<IdAuthorityAnswer> {
    try {
      const answer = await this.breaker.fire(input);
      this.opts.onResult?.(answer.outcome);
      return answer;
    } catch (err) {
      if ((err as { code?: string }).code === 'EOPENBREAKER') {
        this.opts.onResult?.('breaker-open');
        throw unavailable(ID_AUTHORITY_ERROR.breakerOpen, 'id-authority: circuit breaker open', err);
      }
      this.opts.onResult?.('error');
      throw err;
    }
  }

  shutdown(): void {
    this.breaker.shutdown();
  }

  private async checkWithRetries(input: IdAuthorityCheck): Promise<IdAuthorityAnswer> {
    // A bounded loop of a few attempts; the breaker around it is opossum's.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(input);
      } catch (err) {
        if (!(err instanceof TransientFailure)) throw err;
        if (attempt >= this.opts.retries) throw unavailable(ID_AUTHORITY_ERROR.unavailable, `id-authority: ${err.message}`);
        this.opts.logger.warn({ callee: 'id-authority', attempt: attempt + 1, why: err.message }, 'id authority check failed; retrying');
        await new Promise((r) => setTimeout(r, this.opts.retryBaseMs * 2 ** attempt));
      }
    }
  }

  private async attempt(input: IdAuthorityCheck): Promise<IdAuthorityAnswer> {
    const threeElements = !!input.mobile;
    const url = `${this.opts.baseUrl.replace(/\/+$/, '')}/verify/${threeElements ? 'idcard-mobile' : 'idcard'}`;
    const body = new URLSearchParams({ name: input.name, idcard: input.idNumber, ...(threeElements ? { mobile: input.mobile! } : {}) });
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `APPCODE ${this.opts.appcode}`,
          'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
          accept: 'application/json',
        },
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw unavailable(ID_AUTHORITY_ERROR.timeout, `id-authority: no answer within ${this.opts.timeoutMs} ms`);
      }
      // Refused before anything was sent: safe and useful to retry.
      if (causeCode(err) === 'ECONNREFUSED') throw new TransientFailure('connection refused');
      throw unavailable(ID_AUTHORITY_ERROR.unavailable, `id-authority: ${causeCode(err) ?? 'network error'}`);
    }
    if (RETRIABLE_STATUS.has(res.status)) {
      await res.body?.cancel();
      throw new TransientFailure(`HTTP ${res.status}`);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw unavailable(ID_AUTHORITY_ERROR.refused, `id-authority: HTTP ${res.status}`);
    }
    let wire: WireAnswer;
    try {
      wire = (await res.json()) as WireAnswer;
    } catch {
      throw unavailable(ID_AUTHORITY_ERROR.badAnswer, 'id-authority: answer is not JSON');
    }
    if (Number(wire.code) !== 0) {
      throw unavailable(ID_AUTHORITY_ERROR.refused, `id-authority: code ${String(wire.code)}`);
    }
    const outcome = RES[String(wire.result?.res ?? '')];
    if (!outcome) throw unavailable(ID_AUTHORITY_ERROR.badAnswer, 'id-authority: answer has no known result.res');
    return { outcome, providerReference: String(wire.result?.orderNo ?? '') };
  }
}

const causeCode = (err: unknown): string | undefined => {
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code;
};
