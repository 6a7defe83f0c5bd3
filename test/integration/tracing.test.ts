/**
 * Issue 13, tracing and operator metrics: a seed 002 submission that arrives with the partner's
 * W3C `traceparent` produces one trace through the gateway, Kafka, realname-pattern and
 * identity-lookup (exported over OTLP to a local receiver), every log line written for it
 * carries that trace id, and the services' /metrics carry the series operators watch.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { findRepoRoot, Platform, SERVICE_NAMES, ServiceName } from '@kyc/dev-platform';
import { bootPlatform, eventually, partnerWithUser } from '../support/fixtures';
import { idNumber } from '../support/identities';
import { OtlpReceiver, ReceivedSpan, SPAN_KIND, startOtlpReceiver } from '../support/otlp-receiver';
import { uploadEvidencePhotos, waitForStatus } from '../support/review';

let receiver: OtlpReceiver;
let platform: Platform;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  platform = await bootPlatform('tracing', {
    ACCESS_LOG: 'all',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    // Export within a fraction of a second instead of the default five.
    OTEL_BSP_SCHEDULE_DELAY: '200',
  });
});
afterAll(async () => {
  await platform?.stop();
  await receiver?.close();
});

const metricsOf = async (service: ServiceName) => (await fetch(`http://127.0.0.1:${platform.services[service].env.METRICS_PORT}/metrics`)).text();

/** Log lines (JSON) of one service. */
const logLinesOf = (service: ServiceName): Record<string, unknown>[] =>
  platform
    .readLogs()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.service === service);

describe('one trace per partner request', () => {
  const traceId = randomBytes(16).toString('hex');
  const partnerSpanId = randomBytes(8).toString('hex');
  let trace: ReceivedSpan[] = [];

  beforeAll(async () => {
    const { sid } = await partnerWithUser(platform, 'traced');
    await uploadEvidencePhotos(platform, sid);
    const res = await fetch(`${platform.gatewayUrl}/user/validate/submit_info/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${partnerSpanId}-01` },
      body: JSON.stringify({ data: { user_sid: sid, name: '张三', idcard_number: idNumber('440305', '19851122') } }),
    });
    expect(((await res.json()) as { response: { result: number } }).response.result).toBe(200);
    await waitForStatus(platform, sid, 1);
    // Services export in batches: wait for the last hops (realname-pattern to identity-lookup, the outbox to the notifier).
    trace = await eventually(async () => {
      const spans = receiver.spans.filter((s) => s.traceId === traceId);
      const fromRealnamePattern = new Set(spans.filter((s) => s.service === 'realname-pattern').map((s) => s.spanId));
      const reachedIdentityLookup = spans.some((s) => s.service === 'identity-lookup' && fromRealnamePattern.has(s.parentSpanId));
      const reachedNotifier = spans.some((s) => s.service === 'notifier' && fromRealnamePattern.has(s.parentSpanId));
      return reachedIdentityLookup && reachedNotifier ? spans : undefined;
    });
  });

  it('when a partner sends a traceparent, then the gateway span continues it and is named by route, not by URL', () => {
    const server = trace.find((s) => s.service === 'gateway' && s.kind === SPAN_KIND.server);
    expect(server).toMatchObject({
      parentSpanId: partnerSpanId,
      name: 'POST /user/validate/submit_info/',
      attributes: expect.objectContaining({ 'http.route': '/user/validate/submit_info/', 'http.response.status_code': 200, 'kyc.contract': 'user-validate' }),
    });
  });

  it('when the submission crosses Kafka, then the consumer span in realname-pattern is a child of the gateway producer span', () => {
    const producer = trace.find((s) => s.service === 'gateway' && s.kind === SPAN_KIND.producer);
    expect(producer?.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': platform.topic('kyc.submission.v1') });
    const consumer = trace.find((s) => s.service === 'realname-pattern' && s.kind === SPAN_KIND.consumer && s.parentSpanId === producer?.spanId);
    expect(consumer?.attributes).toMatchObject({ 'messaging.operation.type': 'process', 'messaging.consumer.group.name': expect.any(String) });
  });

  it('when realname-pattern asks identity-lookup over gRPC, then the server span there is a child of its client span', () => {
    const clients = trace.filter((s) => s.service === 'realname-pattern' && s.kind === SPAN_KIND.client && s.attributes['rpc.system'] === 'grpc');
    const server = trace.find((s) => s.service === 'identity-lookup' && s.kind === SPAN_KIND.server && clients.some((c) => c.spanId === s.parentSpanId));
    expect(server?.attributes).toMatchObject({ 'rpc.system': 'grpc', 'rpc.service': expect.stringContaining('kyc.identity') });
  });

  it("when realname-pattern's outbox relay later publishes what the submission caused, then the publication joins the same trace", () => {
    const consumer = trace.find((s) => s.service === 'realname-pattern' && s.kind === SPAN_KIND.consumer);
    const relayed = trace.filter((s) => s.service === 'realname-pattern' && s.kind === SPAN_KIND.producer && s.parentSpanId === consumer?.spanId);
    expect(relayed.map((s) => s.attributes['messaging.destination.name'])).toContain(platform.topic('kyc.review.v1'));
    const notified = trace.filter((s) => s.service === 'notifier' && s.kind === SPAN_KIND.consumer && relayed.some((r) => r.spanId === s.parentSpanId));
    expect(notified.length).toBeGreaterThan(0);
  });

  it('when the request is handled, then the log lines of the gateway and realname-pattern for it carry its trace id, and no span holds personal data', () => {
    const gatewayLines = logLinesOf('gateway').filter((l) => l.trace_id === traceId);
    expect(gatewayLines).toContainEqual(expect.objectContaining({ msg: 'request completed', req: { method: 'POST', route: '/user/validate/submit_info/' } }));
    expect(logLinesOf('realname-pattern').filter((l) => l.trace_id === traceId).map((l) => l.msg)).toContain('case submitted for review');
    expect(JSON.stringify(trace)).not.toContain('张三');
  });
});

describe('operator metrics', () => {
  it('when partners call, then gateway request series are labelled by contract, seed, route pattern and status class', async () => {
    const text = await eventually(async () => {
      const t = await metricsOf('gateway');
      return t.includes('route="/user/validate/submit_info/"') ? t : undefined;
    });
    expect(text).toMatch(/gateway_http_request_duration_seconds_count\{[^}]*contract="user-validate",seed="002",route="\/user\/validate\/submit_info\/",method="POST",status_class="2xx"[^}]*\} [1-9]/);
    expect(text).not.toMatch(/route="[^"]*user_sid/);
  });

  it('when services consume and relay, then consumer lag per group and outbox depth per collection are served', async () => {
    const text = await metricsOf('realname-pattern');
    expect(text).toMatch(/kafka_consumer_group_lag\{group="[^"]+",topic="[^"]*kyc\.submission\.v1"[^}]*\} \d+/);
    expect(text).toMatch(/outbox_pending_documents\{collection="[^"]+"[^}]*\} \d+/);
    expect(text).toContain('# TYPE provider_breaker_state gauge');
  });

  it('when the notifier runs, then its callback backlog and the age of the oldest owed callback are served', async () => {
    const text = await metricsOf('notifier');
    expect(text).toMatch(/kyc_callback_backlog\{state="PENDING"[^}]*\} \d+/);
    expect(text).toMatch(/kyc_callback_backlog\{state="PARKED"[^}]*\} \d+/);
    expect(text).toMatch(/kyc_callback_oldest_pending_age_seconds\{[^}]*\} [\d.]+/);
    expect(text).toMatch(/kafka_consumer_group_lag\{group="[^"]+"/);
  });

  it('when operators load the chart\'s dashboard and alert rules, then every platform series they query is one the services serve', async () => {
    const files = path.join(findRepoRoot(), 'deploy/helm/kyc-platform/files');
    const dashboard = JSON.parse(readFileSync(path.join(files, 'grafana-dashboard.json'), 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
    const rules = parseYaml(readFileSync(path.join(files, 'prometheus-rules.yaml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const exprs = [...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)), ...rules.groups.flatMap((g) => g.rules.map((r) => r.expr))];
    const queried = new Set(exprs.flatMap((e) => e.match(/\b(?:gateway|kafka|outbox|kyc|provider)_[a-z_]+\b/g) ?? []).map((m) => m.replace(/_(bucket|count|sum)$/, '')));
    expect(queried.size).toBeGreaterThanOrEqual(8);

    const served = new Set<string>();
    for (const service of SERVICE_NAMES) {
      for (const m of (await metricsOf(service)).matchAll(/^# TYPE (\S+)/gm)) served.add(m[1]);
    }
    expect([...queried].filter((name) => !served.has(name))).toEqual([]);
  });
});
