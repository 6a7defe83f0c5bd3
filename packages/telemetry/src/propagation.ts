import { Context, context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';

/**
 * W3C trace context as plain string fields (`traceparent`, `tracestate`): what travels in Kafka
 * record headers and gRPC metadata, and what an outbox record keeps of the request that wrote it.
 */
export type TraceCarrier = Record<string, string>;

/** Header values as transports hand them over: kafkajs gives Buffers, gRPC metadata arrays. */
export type IncomingHeaders = Record<string, string | Buffer | (string | Buffer)[] | undefined>;

const TRACE_FIELDS = ['traceparent', 'tracestate'];

/** The trace context of `ctx` (the active one by default) as a carrier; empty when there is no span. */
export function injectTraceContext(ctx: Context = context.active()): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** The active trace context, when there is one worth keeping (for records published later). */
export function currentTraceContext(): TraceCarrier | undefined {
  if (!trace.getSpanContext(context.active())) return undefined;
  const carrier = injectTraceContext();
  return carrier.traceparent ? carrier : undefined;
}

/** Only the trace-context fields, as strings, from whatever headers a transport delivered. */
export function traceFieldsOf(headers: IncomingHeaders | undefined): TraceCarrier {
  const carrier: TraceCarrier = {};
  if (!headers) return carrier;
  for (const field of TRACE_FIELDS) {
    const raw = headers[field];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined) carrier[field] = value.toString();
  }
  return carrier;
}

/** The remote parent described by `headers` (the root context when they carry none). */
export function extractTraceContext(headers: IncomingHeaders | undefined, base: Context = ROOT_CONTEXT): Context {
  return propagation.extract(base, traceFieldsOf(headers));
}
