import http from 'node:http';
import { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/** A per-process Prometheus registry with Node's default metrics and a `service` label. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export interface AdminServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves /metrics (and a liveness /healthz) on its own port, kept apart from the partner-facing
 * and gRPC ports so that operators can scrape without exposing metrics to partners.
 */
export async function startAdminServer(registry: Registry, port: number, host = '0.0.0.0'): Promise<AdminServer> {
  const server = http.createServer((req, res) => {
    if (req.url === '/metrics') {
      registry
        .metrics()
        .then((body) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(body);
        })
        .catch(() => {
          res.writeHead(500);
          res.end();
        });
      return;
    }
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export type Sample<L extends string> = { labels: Partial<Record<L, string>>; value: number };
export type SampleSource<L extends string> = () => Promise<Sample<L>[]>;

const sampledGauges = new WeakMap<Registry, Map<string, { gauge: Gauge<string>; sources: SampleSource<string>[] }>>();

/**
 * A gauge whose values are read at scrape time (a database count, a broker's offsets), for
 * numbers that live outside this process. Several sources in one process (three outbox relays,
 * two consumer groups) add their series to the same gauge. Each read is bounded by `timeoutMs`;
 * a source that fails or is late keeps its previous values, and the scrape still answers.
 */
export function registerSampledGauge<L extends string>(
  registry: Registry,
  spec: { name: string; help: string; labelNames: readonly L[]; timeoutMs?: number },
  source: SampleSource<L>,
): void {
  let byName = sampledGauges.get(registry);
  if (!byName) sampledGauges.set(registry, (byName = new Map()));
  let entry = byName.get(spec.name);
  if (!entry) {
    const sources: SampleSource<string>[] = [];
    const timeoutMs = spec.timeoutMs ?? 3_000;
    const gauge: Gauge<string> = new Gauge({
      name: spec.name,
      help: spec.help,
      labelNames: spec.labelNames,
      registers: [registry],
      async collect() {
        await Promise.all(
          sources.map(async (read) => {
            const samples = await withTimeout(read(), timeoutMs).catch(() => undefined);
            for (const s of samples ?? []) gauge.set(s.labels as Record<string, string>, s.value);
          }),
        );
      },
    });
    entry = { gauge, sources };
    byName.set(spec.name, entry);
  }
  entry.sources.push(source as SampleSource<string>);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    p.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
