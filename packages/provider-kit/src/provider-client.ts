/**
 * One call to a provider outside the platform, made the same way for every provider:
 *
 * - every attempt has its own timeout (AbortSignal.timeout covers connect, headers and body);
 * - a refused connection is retried with exponential back-off whatever the call: nothing was
 *   sent, so nothing can happen twice;
 * - 502/503/504 are retried only when the caller marks the call idempotent: the request may have
 *   reached the provider, and asking again must not be able to do the thing twice;
 * - a timeout or a dropped connection is never retried here: the provider may have acted on the
 *   request. It surfaces as a retriable KycError and the caller decides (a verification is
 *   retried later as a whole);
 * - an opossum breaker around the whole call (retries included) counts only the provider's
 *   failures, the `unavailable` KycErrors: a rejected request or a bug in this process says
 *   nothing of the provider's health. While it is open, calls fail fast with BREAKER_OPEN.
 *
 * What a provider answered is the caller's to read (`interpret`); the client only reports
 * transport failures. It never logs request bodies, headers or URLs' query strings: they carry
 * personal data and credentials.
 */
import CircuitBreaker from 'opossum';
import { isKycError, KycError, Logger, unavailable } from '@kyc/core';
import { trackBreaker, untrackBreaker } from './breaker-states';
import { ProviderErrorCodes } from './provider-errors';

/** Timeouts, retries and breaker of one provider (see providerClientSettings for the config keys). */
export interface ProviderClientSettings {
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Extra attempts after a refused connection (any call) or 502/503/504 (idempotent calls). */
  retries: number;
  /** First back-off; doubles per retry. */
  retryBaseMs: number;
  breaker: { volumeThreshold: number; errorThresholdPercentage: number; resetTimeoutMs: number };
}

export interface ProviderClientOptions extends ProviderClientSettings {
  /** The provider as logs (`callee`), error messages and the breaker name it: 'id-authority'. */
  name: string;
  errors: ProviderErrorCodes;
  logger: Logger;
  /**
   * Called once per call (for metrics) with what the call's `outcome` made of the answer ('ok'
   * without one), 'error', or 'breaker-open'.
   */
  onResult?(result: string, operation: string): void;
}

export interface ProviderRequest {
  url: string;
  /** Default POST. */
  method?: string;
  headers?: Record<string, string>;
  body?: string | URLSearchParams;
}

/** What came back: any status but 502/503/504, with the whole body read within the timeout. */
export interface ProviderAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export interface ProviderCall<T> {
  /** Names the call in logs and metrics: 'check', 'SendSms'. */
  operation: string;
  /** Asking again cannot do anything twice at the provider: 502/503/504 are retried. */
  idempotent: boolean;
  /** Built afresh for every attempt (signatures with a nonce and a timestamp need it). */
  request(): ProviderRequest;
  /** Reads an answer; throws KycErrors (use the client's refused/badAnswer/json helpers). */
  interpret(answer: ProviderAnswer): T;
  /** The result reported to onResult for a value; default 'ok'. */
  outcome?(value: T): string;
}

const TRANSIENT_STATUS = new Set([502, 503, 504]);

/** A failure of one attempt that another attempt may not have. */
class TransientFailure extends Error {
  constructor(
    message: string,
    /** The request never left: even a call that is not idempotent may be sent again. */
    readonly nothingSent: boolean,
  ) {
    super(message);
  }
}

export class ProviderClient {
  private readonly breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;

  constructor(private readonly opts: ProviderClientOptions) {
    this.breaker = new CircuitBreaker((run: () => Promise<unknown>) => run(), {
      name: opts.name,
      // Each attempt has its own timeout; a breaker-level timeout would cut retries short.
      timeout: false,
      volumeThreshold: opts.breaker.volumeThreshold,
      errorThresholdPercentage: opts.breaker.errorThresholdPercentage,
      resetTimeout: opts.breaker.resetTimeoutMs,
      errorFilter: (err: unknown) => !(isKycError(err) && err.kind === 'unavailable'),
    });
    const callee = { callee: opts.name };
    this.breaker.on('open', () => opts.logger.warn(callee, 'circuit breaker opened'));
    this.breaker.on('halfOpen', () => opts.logger.info(callee, 'circuit breaker half-open: trying one call'));
    this.breaker.on('close', () => opts.logger.info(callee, 'circuit breaker closed'));
    trackBreaker(opts.name, this.breaker);
  }

  get errors(): ProviderErrorCodes {
    return this.opts.errors;
  }

  async call<T>(call: ProviderCall<T>): Promise<T> {
    let value: T;
    try {
      value = (await this.breaker.fire(() => this.withRetries(call))) as T;
    } catch (err) {
      if ((err as { code?: string }).code === 'EOPENBREAKER') {
        this.opts.onResult?.('breaker-open', call.operation);
        throw unavailable(this.opts.errors.breakerOpen, `${this.opts.name}: circuit breaker open`, err);
      }
      this.opts.onResult?.('error', call.operation);
      throw err;
    }
    this.opts.onResult?.(call.outcome ? call.outcome(value) : 'ok', call.operation);
    return value;
  }

  /** The provider refused the call (status, credentials, quota): retriable, counts against it. */
  refused(why: string): KycError {
    return unavailable(this.opts.errors.refused, `${this.opts.name}: ${why}`);
  }

  /** The answer does not follow the provider's format. */
  badAnswer(why: string): KycError {
    return unavailable(this.opts.errors.badAnswer, `${this.opts.name}: ${why}`);
  }

  /** The provider answered but could not serve the call now (its own error). */
  unavailable(why: string): KycError {
    return unavailable(this.opts.errors.unavailable, `${this.opts.name}: ${why}`);
  }

  /** The answer's body as JSON, or BAD_ANSWER. */
  json<U>(answer: ProviderAnswer): U {
    try {
      return JSON.parse(answer.text) as U;
    } catch {
      throw this.badAnswer(`answer is not JSON (HTTP ${answer.status})`);
    }
  }

  shutdown(): void {
    untrackBreaker(this.opts.name, this.breaker);
    this.breaker.shutdown();
  }

  private async withRetries<T>(call: ProviderCall<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(call);
      } catch (err) {
        if (!(err instanceof TransientFailure)) throw err;
        if (!(call.idempotent || err.nothingSent) || attempt >= this.opts.retries) throw this.unavailable(err.message);
        this.opts.logger.warn(
          { callee: this.opts.name, operation: call.operation, attempt: attempt + 1, why: err.message },
          'provider call failed; retrying',
        );
        await new Promise((r) => setTimeout(r, this.opts.retryBaseMs * 2 ** attempt));
      }
    }
  }

  private async attempt<T>(call: ProviderCall<T>): Promise<T> {
    const req = call.request();
    const signal = AbortSignal.timeout(this.opts.timeoutMs);
    let res: Response;
    try {
      res = await fetch(req.url, { method: req.method ?? 'POST', headers: req.headers, body: req.body, signal });
    } catch (err) {
      throw this.transportFailure(err);
    }
    if (TRANSIENT_STATUS.has(res.status)) {
      await res.body?.cancel().catch(() => undefined);
      throw new TransientFailure(`HTTP ${res.status}`, false);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw this.transportFailure(err);
    }
    return call.interpret({ status: res.status, headers: res.headers, text });
  }

  private transportFailure(err: unknown): Error {
    const name = (err as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return unavailable(this.opts.errors.timeout, `${this.opts.name}: no answer within ${this.opts.timeoutMs} ms`);
    }
    const code = (err as { cause?: { code?: string } }).cause?.code;
    // Refused before anything was sent: safe to send again, whatever the call.
    if (code === 'ECONNREFUSED') return new TransientFailure('connection refused', true);
    return this.unavailable(code ?? 'network error');
  }
}
