import http from 'node:http';
import { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { activeTraceIds } from './log-correlation';
import { currentTraceContext, traceFieldsOf } from './propagation';
import { startTelemetry, telemetrySettings } from './setup';
import { inSpan, kafkaConsumerSpan, kafkaProducerSpan, rpcClientSpan, rpcServerSpan } from './spans';
import { traceHttpRequests } from './http-server';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => provider.register());
afterEach(() => exporter.reset());
afterAll(() => provider.shutdown());

const finished = () => exporter.getFinishedSpans();
const spanNamed = (name: string) => finished().find((s) => s.name === name)!;
const parentOf = (s: ReturnType<typeof spanNamed>) => s.parentSpanContext?.spanId;

describe('tracing settings', () => {
  it('when no OTLP endpoint is configured, then tracing stays off and the SDK is not started', () => {
    expect(telemetrySettings('gateway', {})).toEqual({ enabled: false, service: 'gateway' });
    expect(startTelemetry('gateway', {})).toBe(false);
  });

  it('when an endpoint is configured but the SDK is disabled, then tracing stays off', () => {
    expect(telemetrySettings('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
    expect(telemetrySettings('gateway', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }).enabled).toBe(true);
  });
});

describe('trace context across Kafka', () => {
  it('when a record is consumed with the headers its producer wrote, then the consumer span is a child of the producer span', async () => {
    let headers: Record<string, string> = {};
    await kafkaProducerSpan('kyc.submission.v1', undefined, async (h) => void (headers = h));
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    // kafkajs hands header values over as Buffers.
    const asDelivered = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));
    await kafkaConsumerSpan({ topic: 'kyc.submission.v1', partition: 2, offset: '41', group: 'realname-pattern', headers: asDelivered }, async () => undefined);

    const producer = spanNamed('kyc.submission.v1 publish');
    const consumer = spanNamed('kyc.submission.v1 process');
    expect(producer.kind).toBe(SpanKind.PRODUCER);
    expect(consumer.kind).toBe(SpanKind.CONSUMER);
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(parentOf(consumer)).toBe(producer.spanContext().spanId);
    expect(consumer.attributes).toMatchObject({ 'messaging.destination.partition.id': '2', 'messaging.kafka.offset': 41, 'messaging.consumer.group.name': 'realname-pattern' });
  });

  it('when an outbox record is published later, then its producer span joins the trace of the request that wrote it, not the relay', async () => {
    let stored: Record<string, string> | undefined;
    await inSpan('request', { kind: SpanKind.SERVER }, async () => void (stored = currentTraceContext()));
    await inSpan('relay pass', { kind: SpanKind.INTERNAL }, () => kafkaProducerSpan('kyc.review.v1', stored, async () => undefined));

    const request = spanNamed('request');
    const publish = spanNamed('kyc.review.v1 publish');
    expect(publish.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(parentOf(publish)).toBe(request.spanContext().spanId);
  });

  it('when nothing is being traced, then an outbox record keeps no trace context', () => {
    expect(currentTraceContext()).toBeUndefined();
  });

  it('when headers carry other fields, then only the trace context is read from them', () => {
    expect(traceFieldsOf({ traceparent: [Buffer.from('00-a-b-01')], 'event-type': 'x', tracestate: undefined })).toEqual({ traceparent: '00-a-b-01' });
  });
});

describe('trace context across gRPC', () => {
  it('when a call fails with a business answer, then neither span is an error; when it fails otherwise, then both are', async () => {
    const isAnswer = (err: unknown) => (err as Error).message === 'not found';
    const call = (failure: Error) =>
      rpcClientSpan('/kyc.identity.v1.IdentityLookupService/ValidateIdNumber', (metadata) =>
        rpcServerSpan('/kyc.identity.v1.IdentityLookupService/ValidateIdNumber', metadata, () => Promise.reject(failure), isAnswer), isAnswer,
      ).catch(() => undefined);
    await call(new Error('not found'));
    expect(finished().map((s) => s.status.code)).toEqual([SpanStatusCode.UNSET, SpanStatusCode.UNSET]);
    exporter.reset();
    await call(new Error('database down'));
    const [server, client] = finished();
    expect([server.kind, client.kind]).toEqual([SpanKind.SERVER, SpanKind.CLIENT]);
    expect(parentOf(server)).toBe(client.spanContext().spanId);
    expect([server.status.code, client.status.code]).toEqual([SpanStatusCode.ERROR, SpanStatusCode.ERROR]);
    expect(client.attributes).toMatchObject({ 'rpc.system': 'grpc', 'rpc.service': 'kyc.identity.v1.IdentityLookupService', 'rpc.method': 'ValidateIdNumber' });
  });
});

describe('log correlation', () => {
  it('when a line is written inside a span, then it gets the trace and span ids; outside, nothing', async () => {
    expect(activeTraceIds()).toEqual({});
    await inSpan('work', { kind: SpanKind.INTERNAL }, async (span) => {
      expect(activeTraceIds()).toEqual({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
    });
  });
});

describe('HTTP server spans', () => {
  it("when a request carries the partner's traceparent, then the server span continues it and is named by the route pattern", async () => {
    const traced = traceHttpRequests({ routeOf: () => '/v1/users/:guid' });
    let idsInHandler: ReturnType<typeof activeTraceIds> = {};
    const server = http.createServer((req, res) =>
      traced(req, res, () => {
        idsInHandler = activeTraceIds();
        res.writeHead(503).end();
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/users/123?user_sid=secret`, {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const [span] = finished();
    expect(span.name).toBe('GET /v1/users/:guid');
    expect(span.spanContext().traceId).toBe(traceId);
    expect(parentOf(span)).toBe('00f067aa0ba902b7');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(idsInHandler.trace_id).toBe(traceId);
    expect(JSON.stringify(span.attributes)).not.toContain('secret');
    expect(activeTraceIds()).toEqual({});
  });
});
