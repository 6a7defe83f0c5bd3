import { IncomingMessage, ServerResponse } from 'node:http';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { extractTraceContext } from './propagation';

/**
 * Connect/express middleware: one server span per request, child of the caller's `traceparent`
 * when it sends one, active for every handler (and log line) of the request. The span is named
 * after the route pattern, known only once routing is done, so never after a raw URL with ids.
 */
export function traceHttpRequests<Req extends IncomingMessage, Res extends ServerResponse>(opts: {
  routeOf: (req: Req) => string;
  attributesOf?: (req: Req) => Record<string, string>;
}): (req: Req, res: Res, next: () => void) => void {
  const tracer = trace.getTracer('@kyc/telemetry');
  return (req, res, next) => {
    const parent = extractTraceContext(req.headers);
    const span = tracer.startSpan(req.method ?? 'HTTP', { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? '' } }, parent);
    if (!span.isRecording()) return context.with(trace.setSpan(parent, span), next);
    let ended = false;
    res.once('finish', () => {
      ended = true;
      const route = opts.routeOf(req);
      span.updateName(`${req.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode, ...opts.attributesOf?.(req) });
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    // A client that went away before the answer: the span ends without a status.
    res.once('close', () => ended || span.end());
    context.with(trace.setSpan(parent, span), next);
  };
}
