import { hostname } from 'node:os';

/**
 * Tracing is off unless an OTLP endpoint is configured (the standard OTEL_EXPORTER_OTLP_ENDPOINT
 * or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT): the SDK is then not even loaded, and every span helper
 * works on the API's no-op tracer, so a service without a collector pays almost nothing.
 */
export interface TelemetrySettings {
  enabled: boolean;
  service: string;
}

export function telemetrySettings(service: string, env: NodeJS.ProcessEnv = process.env): TelemetrySettings {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const disabled = (env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true' || (env.OTEL_TRACES_EXPORTER ?? '').toLowerCase() === 'none';
  return { enabled: Boolean(endpoint) && !disabled, service: env.OTEL_SERVICE_NAME || service };
}

interface Started {
  shutdown(): Promise<void>;
}

let started: Started | undefined;

/**
 * Starts tracing for this process when configured: spans are batched and sent over OTLP/HTTP
 * (JSON) to the configured endpoint; the W3C trace-context propagator and an AsyncLocalStorage
 * context manager are registered globally. Idempotent. Returns whether tracing is on.
 */
export function startTelemetry(service: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (started) return true;
  const settings = telemetrySettings(service, env);
  if (!settings.enabled) return false;
  // Loaded only when tracing is on.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { defaultResource, resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({
        'service.name': settings.service,
        'service.namespace': 'kyc',
        'service.instance.id': `${hostname()}-${process.pid}`,
      }),
    ),
    // Endpoint, headers and timeout (10 s by default) come from the standard OTEL_EXPORTER_OTLP_* variables.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  started = { shutdown: () => provider.shutdown() };
  return true;
}

/** Flushes spans still buffered and stops exporting (a shutdown step; a no-op when tracing is off). */
export async function shutdownTelemetry(): Promise<void> {
  const s = started;
  started = undefined;
  await s?.shutdown();
}
