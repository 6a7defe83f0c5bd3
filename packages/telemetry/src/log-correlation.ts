import { context, isSpanContextValid, trace } from '@opentelemetry/api';

/** `trace_id` and `span_id` of the active span, for every log line written while it runs. */
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpanContext(context.active());
  if (!span || !isSpanContextValid(span)) return {};
  return { trace_id: span.traceId, span_id: span.spanId };
}
