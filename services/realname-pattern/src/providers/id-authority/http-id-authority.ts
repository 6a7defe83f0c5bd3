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
 * Timeouts, retries and the breaker are @kyc/provider-kit's. A check only reads the authority's
 * records, so it is idempotent: connection refused and 502/503/504 are retried with back-off
 * inside one check (at worst a check is billed twice). Other failures surface as a retriable
 * error and the verification is retried later. Neither the appcode nor request bodies are logged.
 */
import { Logger } from '@kyc/core';
import { ProviderClient, ProviderClientSettings } from '@kyc/provider-kit';
import { ID_AUTHORITY_ERROR, IdAuthority, IdAuthorityAnswer, IdAuthorityCheck, IdAuthorityOutcome } from './id-authority';

export interface HttpIdAuthorityOptions extends ProviderClientSettings {
  /** Base URL, e.g. https://idcert.market.alicloudapi.com */
  baseUrl: string;
  appcode: string;
  logger: Logger;
  /** Called with every check's outcome (for metrics): match, mismatch, no-record, error, breaker-open. */
  onResult?: (result: IdAuthorityOutcome | 'error' | 'breaker-open') => void;
}

const RES: Record<string, IdAuthorityOutcome> = { '1': 'match', '2': 'mismatch', '3': 'no-record' };

interface WireAnswer {
  code?: number | string;
  message?: string;
  result?: { res?: string; description?: string; orderNo?: string };
}

export class HttpIdAuthority implements IdAuthority {
  private readonly client: ProviderClient;

  constructor(private readonly opts: HttpIdAuthorityOptions) {
    if (!opts.baseUrl) throw new Error('ID_AUTHORITY_URL is required when ID_AUTHORITY_MODE=http');
    if (!opts.appcode) throw new Error('ID_AUTHORITY_APPCODE is required when ID_AUTHORITY_MODE=http');
    const { timeoutMs, retries, retryBaseMs, breaker, logger, onResult } = opts;
    this.client = new ProviderClient({
      timeoutMs,
      retries,
      retryBaseMs,
      breaker,
      logger,
      name: 'id-authority',
      errors: ID_AUTHORITY_ERROR,
      onResult: onResult && ((result) => onResult(result as IdAuthorityOutcome | 'error' | 'breaker-open')),
    });
  }

  check(input: IdAuthorityCheck): Promise<IdAuthorityAnswer> {
    const threeElements = !!input.mobile;
    return this.client.call({
      operation: 'check',
      idempotent: true,
      request: () => ({
        url: `${this.opts.baseUrl.replace(/\/+$/, '')}/verify/${threeElements ? 'idcard-mobile' : 'idcard'}`,
        headers: {
          authorization: `APPCODE ${this.opts.appcode}`,
          'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
          accept: 'application/json',
        },
        body: new URLSearchParams({ name: input.name, idcard: input.idNumber, ...(threeElements ? { mobile: input.mobile! } : {}) }),
      }),
      interpret: (answer) => {
        if (answer.status < 200 || answer.status >= 300) throw this.client.refused(`HTTP ${answer.status}`);
        const wire = this.client.json<WireAnswer>(answer);
        if (Number(wire.code) !== 0) throw this.client.refused(`code ${String(wire.code)}`);
        const outcome = RES[String(wire.result?.res ?? '')];
        if (!outcome) throw this.client.badAnswer('answer has no known result.res');
        return { outcome, providerReference: String(wire.result?.orderNo ?? '') };
      },
      outcome: (answer) => answer.outcome,
    });
  }

  shutdown(): void {
    this.client.shutdown();
  }
}
