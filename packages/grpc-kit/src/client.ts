import { CallOptions, Client, ClientUnaryCall, credentials, Metadata, ServiceError } from '@grpc/grpc-js';
import CircuitBreaker from 'opossum';
import { KycError, Logger, unavailable } from '@kyc/core';
import { rpcClientSpan } from '@kyc/telemetry';
import { correlationMetadata, fromServiceError, isBusinessError, isLocalError } from './status';
import { clientCredentials, tlsChannelOptions, TlsMaterialProvider, TlsSource, watchedTlsMaterial } from './tls';

export interface ResilientClientOptions {
  /** Name of the callee, for logs, metrics and error messages. */
  name: string;
  /** Deadline applied to every call. */
  deadlineMs?: number;
  logger: Logger;
  /** Breaker tuning; defaults suit an internal service. */
  breaker?: Partial<CircuitBreaker.Options>;
}

type UnaryMethod<Req, Res> = ((
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall) & {
  /** grpc-js attaches the method's serializer and path to every generated client method. */
  requestSerialize?: (request: Req) => Buffer;
  path?: string;
};

/**
 * Serializes the request before it reaches the breaker: a request that cannot be encoded (an
 * int32 field given 2^31, say) is this process's fault, so it fails here, uncounted, instead of
 * as the INTERNAL status grpc-js would report from inside the call and the breaker would count.
 */
function assertSerializable<Req>(method: UnaryMethod<Req, unknown>, request: Req, callee: string): void {
  if (!method.requestSerialize) return;
  try {
    method.requestSerialize(request);
  } catch (err) {
    throw new KycError('KYC.GRPC.REQUEST_UNSERIALIZABLE', `${callee}: request cannot be encoded: ${(err as Error).message}`, {
      kind: 'internal',
      cause: err,
    });
  }
}

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
      // Only the remote side's failures count: business answers are answers, and errors raised
      // before the call left this process (see assertSerializable) say nothing of the callee.
      errorFilter: (err: unknown) => isBusinessError(err) || isLocalError(err),
      ...opts.breaker,
    });
    this.breaker.on('open', () => opts.logger.warn({ callee: opts.name }, 'circuit breaker opened'));
    this.breaker.on('close', () => opts.logger.info({ callee: opts.name }, 'circuit breaker closed'));
  }

  /** One call in a client span whose context travels to the callee in the call's metadata. */
  unary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, meta: { correlationId?: string } = {}): Promise<Res> {
    return rpcClientSpan(method.path ?? `/${this.opts.name}/unknown`, (trace) => this.fire(method, request, meta, trace), isBusinessError);
  }

  private async fire<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, meta: { correlationId?: string }, trace: Record<string, string>): Promise<Res> {
    assertSerializable(method, request, this.opts.name);
    const metadata = correlationMetadata(meta.correlationId);
    for (const [key, value] of Object.entries(trace)) metadata.set(key, value);
    const call = () =>
      new Promise<Res>((resolve, reject) => {
        method.call(this.raw, request, metadata, { deadline: Date.now() + this.deadlineMs }, (err, res) =>
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

/**
 * A resilient client over mutual TLS: presents this service's certificate (`tls`) and accepts only
 * a server whose certificate names `server` (by default the callee's name, `opts.name`).
 */
export function createClient<C extends Client>(
  Ctor: new (address: string, creds: ReturnType<typeof credentials.createInsecure>, options?: object) => C,
  address: string,
  opts: ResilientClientOptions,
  tls: TlsSource | TlsMaterialProvider,
  server: string = opts.name,
): ResilientClient<C> {
  const raw = new Ctor(address, clientCredentials(watchedTlsMaterial(tls, opts.logger), server), {
    'grpc.keepalive_time_ms': 30_000,
    'grpc.max_receive_message_length': 8 * 1024 * 1024,
    ...tlsChannelOptions(server),
  });
  return new ResilientClient(raw, opts);
}
