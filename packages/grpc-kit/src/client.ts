import { CallOptions, Client, ClientUnaryCall, credentials, Metadata, ServiceError } from '@grpc/grpc-js';
import CircuitBreaker from 'opossum';
import { Logger, unavailable } from '@kyc/core';
import { correlationMetadata, fromServiceError, isBusinessError } from './status';

export interface ResilientClientOptions {
  /** Name of the callee, for logs, metrics and error messages. */
  name: string;
  /** Deadline applied to every call. */
  deadlineMs?: number;
  logger: Logger;
  /** Breaker tuning; defaults suit an internal service. */
  breaker?: Partial<CircuitBreaker.Options>;
}

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

/**
 * Wraps a generated grpc-js client: every call gets a deadline and goes through one opossum
 * breaker per callee. Business errors (INVALID_ARGUMENT, NOT_FOUND, ...) are answers, not
 * failures, so they do not count towards opening the breaker.
 */
export class ResilientClient<C extends Client> {
  readonly breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  private readonly deadlineMs: number;

  constructor(
    readonly raw: C,
    private readonly opts: ResilientClientOptions,
  ) {
    this.deadlineMs = opts.deadlineMs ?? 3_000;
    this.breaker = new CircuitBreaker((fn: () => Promise<unknown>) => fn(), {
      name: opts.name,
      // The gRPC deadline is the real timeout; this is a backstop slightly beyond it.
      timeout: this.deadlineMs + 1_000,
      errorThresholdPercentage: 50,
      volumeThreshold: 5,
      resetTimeout: 5_000,
      errorFilter: (err: unknown) => isBusinessError(err),
      ...opts.breaker,
    });
    this.breaker.on('open', () => opts.logger.warn({ callee: opts.name }, 'circuit breaker opened'));
    this.breaker.on('close', () => opts.logger.info({ callee: opts.name }, 'circuit breaker closed'));
  }

  async unary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, meta: { correlationId?: string } = {}): Promise<Res> {
    const call = () =>
      new Promise<Res>((resolve, reject) => {
        method.call(this.raw, request, correlationMetadata(meta.correlationId), { deadline: Date.now() + this.deadlineMs }, (err, res) =>
          err ? reject(fromServiceError(err, this.opts.name)) : resolve(res),
        );
      });
    try {
      return (await this.breaker.fire(call)) as Res;
    } catch (err) {
      // An open breaker or its backstop timeout means "callee unavailable": retriable, not a bug.
      const code = (err as { code?: string }).code;
      if (code === 'EOPENBREAKER' || code === 'ETIMEDOUT') {
        throw unavailable(`KYC.GRPC.${code === 'EOPENBREAKER' ? 'BREAKER_OPEN' : 'TIMEOUT'}`, `${this.opts.name}: ${(err as Error).message}`, err);
      }
      throw err;
    }
  }

  close(): void {
    this.breaker.shutdown();
    this.raw.close();
  }
}

export function createClient<C extends Client>(
  Ctor: new (address: string, creds: ReturnType<typeof credentials.createInsecure>, options?: object) => C,
  address: string,
  opts: ResilientClientOptions,
): ResilientClient<C> {
  const raw = new Ctor(address, credentials.createInsecure(), {
    'grpc.keepalive_time_ms': 30_000,
    'grpc.max_receive_message_length': 8 * 1024 * 1024,
  });
  return new ResilientClient(raw, opts);
}
