import { Attributes, Context, context, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { extractTraceContext, IncomingHeaders, injectTraceContext, TraceCarrier } from './propagation';

const TRACER = '@kyc/telemetry';

export interface SpanOptions {
  kind: SpanKind;
  attributes?: Attributes;
  /** Parent context; the active one by default. */
  parent?: Context;
}

/** Whether the error is an answer rather than a failure (a business error); such spans stay unset. */
export type ErrorClassifier = (err: unknown) => boolean;

/**
 * Runs `fn` inside a new active span that ends when `fn` settles; a throw marks the span as an
 * error with the exception's type and message (never a payload) and is rethrown.
 */
export async function inSpan<T>(name: string, opts: SpanOptions, fn: (span: Span) => Promise<T>, isAnswer?: ErrorClassifier): Promise<T> {
  const parent = opts.parent ?? context.active();
  const span = trace.getTracer(TRACER).startSpan(name, { kind: opts.kind, attributes: opts.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    if (!isAnswer?.(err)) markFailed(span, err);
    throw err;
  } finally {
    span.end();
  }
}

export function markFailed(span: Span, err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
  span.setAttribute('error.type', (e as { code?: unknown }).code ? String((e as { code?: unknown }).code) : e.name);
}

/**
 * A Kafka producer span (`<topic> publish`) around a send; `fn` gets the headers that carry its
 * context to consumers. `origin`: the trace context the record was written under (an outbox
 * record published later by a relay), which then parents the span instead of the active one.
 */
export function kafkaProducerSpan<T>(topic: string, origin: TraceCarrier | undefined, fn: (headers: TraceCarrier) => Promise<T>): Promise<T> {
  const parent = origin && origin.traceparent ? extractTraceContext(origin, context.active()) : undefined;
  return inSpan(
    `${topic} publish`,
    { kind: SpanKind.PRODUCER, parent, attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': topic } },
    () => fn(injectTraceContext()),
  );
}

/** A Kafka consumer span (`<topic> process`) for one record, child of the producer's context in its headers. */
export function kafkaConsumerSpan<T>(
  record: { topic: string; partition: number; offset: string; group: string; headers?: IncomingHeaders },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return inSpan(
    `${record.topic} process`,
    {
      kind: SpanKind.CONSUMER,
      parent: extractTraceContext(record.headers),
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': record.topic,
        'messaging.destination.partition.id': String(record.partition),
        'messaging.kafka.offset': Number(record.offset),
        'messaging.consumer.group.name': record.group,
      },
    },
    fn,
  );
}

/** `/kyc.identity.v1.IdentityLookupService/Lookup` → service and method. */
function rpcNames(path: string): { service: string; method: string } {
  const [, service = 'unknown', method = 'unknown'] = path.split('/');
  return { service, method };
}

/** A gRPC client span around one call; `fn` gets the fields to put into the call's metadata. */
export function rpcClientSpan<T>(path: string, fn: (carrier: TraceCarrier) => Promise<T>, isAnswer?: ErrorClassifier): Promise<T> {
  const { service, method } = rpcNames(path);
  return inSpan(
    `${service}/${method}`,
    { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method } },
    () => fn(injectTraceContext()),
    isAnswer,
  );
}

/** A gRPC server span for one call, child of the caller's context found in its metadata. */
export function rpcServerSpan<T>(path: string, metadata: IncomingHeaders, fn: () => Promise<T>, isAnswer?: ErrorClassifier): Promise<T> {
  const { service, method } = rpcNames(path);
  return inSpan(
    `${service}/${method}`,
    { kind: SpanKind.SERVER, parent: extractTraceContext(metadata), attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method } },
    fn,
    isAnswer,
  );
}
