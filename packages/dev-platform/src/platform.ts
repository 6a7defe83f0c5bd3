import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@kyc/dev-services';
import { checkGrpcHealth } from '@kyc/grpc-kit';
import { DevPki, ensureDevPki } from './dev-pki';
import { nodeLauncher, ReadinessProbe, ServiceLauncher, ServiceProcess } from './service-process';

export const SERVICE_NAMES = ['identity-lookup', 'photo-storage', 'realname-pattern', 'notifier', 'gateway'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
/** The services with a gRPC server (the gateway has none: it only calls). */
export type GrpcServiceName = Exclude<ServiceName, 'gateway'>;
export const GRPC_SERVICE_NAMES = SERVICE_NAMES.filter((s): s is GrpcServiceName => s !== 'gateway');

export interface PlatformOptions {
  kafkaBrokers: string;
  mongoUrl: string;
  /** Isolates databases and topics, so several platforms (or tests) can share one broker and server. */
  namespace?: string;
  masterKey?: string;
  /** Fixed gateway HTTP port; a free one otherwise. */
  gatewayPort?: number;
  /** Fixed reviewer API port; a free one otherwise. */
  reviewerPort?: number;
  logDir?: string;
  /** Extra environment for every service. */
  env?: Record<string, string>;
  /**
   * How each service is started (default: node runs services/<name>/dist/main.js of this
   * checkout); e.g. a `podman run` of the platform image in the foreground.
   */
  launch?: ServiceLauncher;
}

export interface Platform {
  gatewayUrl: string;
  /** The gateway's reviewer API (its own port, bound to loopback here). */
  reviewerUrl: string;
  namespace: string;
  masterKey: string;
  logDir: string;
  /** Environment the gateway runs with (for operator commands such as `kyc partner`). */
  gatewayEnv: Record<string, string>;
  services: Record<ServiceName, ServiceProcess>;
  /** Mutual-TLS gRPC address of each back-end service (host:port). */
  grpcTargets: Record<GrpcServiceName, string>;
  /** Plaintext health-only gRPC address of each back-end service (host:port), for probes. */
  healthTargets: Record<GrpcServiceName, string>;
  /** The dev CA and service certificates the services run with (credentials for test calls). */
  pki: DevPki;
  dbName(service: ServiceName): string;
  topic(family: string): string;
  /** Every service's log so far, concatenated (what an operator's log pipeline would hold). */
  readLogs(): string;
  stop(): Promise<void>;
}

export function findRepoRoot(from = __dirname): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'turbo.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (turbo.json)');
    dir = up;
  }
  return dir;
}

/** Starts the five services as separate processes wired to each other over gRPC and Kafka. */
export async function startPlatform(opts: PlatformOptions): Promise<Platform> {
  const root = findRepoRoot();
  const namespace = opts.namespace ?? 'dev';
  const masterKey = opts.masterKey ?? randomBytes(32).toString('hex');
  const logDir = opts.logDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `kyc-${namespace}-`));
  fs.mkdirSync(logDir, { recursive: true });
  const dbName = (service: ServiceName) => `${namespace}_${service.replace(/-/g, '_')}`;
  const topicPrefix = namespace === 'dev' ? '' : `${namespace}.`;

  const ports = {} as Record<ServiceName, { grpc: number; health: number; metrics: number }>;
  for (const s of SERVICE_NAMES) ports[s] = { grpc: await freePort(), health: await freePort(), metrics: await freePort() };
  const httpPort = opts.gatewayPort ?? (await freePort());
  const reviewerPort = opts.reviewerPort ?? (await freePort());
  const target = (s: ServiceName) => `127.0.0.1:${ports[s].grpc}`;
  const healthTarget = (s: ServiceName) => `127.0.0.1:${ports[s].health}`;
  const byGrpcService = (f: (s: ServiceName) => string) => Object.fromEntries(GRPC_SERVICE_NAMES.map((s) => [s, f(s)])) as Record<GrpcServiceName, string>;
  const pki = await ensureDevPki(SERVICE_NAMES);
  const launch = opts.launch ?? nodeLauncher(root);

  const common = {
    KAFKA_BROKERS: opts.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    MONGO_URL: opts.mongoUrl,
    KYC_MASTER_KEY: masterKey,
    IDENTITY_LOOKUP_TARGET: target('identity-lookup'),
    PHOTO_STORAGE_TARGET: target('photo-storage'),
    REALNAME_PATTERN_TARGET: target('realname-pattern'),
    // Deterministic test identities instead of a real ID authority and liveness provider (realname-pattern's README).
    ID_AUTHORITY_MODE: 'sandbox',
    LIVENESS_MODE: 'sandbox',
    // Seed 003's campus providers: sandbox test accounts and results (realname-pattern's README, "Campus providers").
    ECARD_MODE: 'sandbox',
    WECHAT_FACE_MODE: 'sandbox',
    UNIONPAY_FACE_MODE: 'sandbox',
    // SMS (seed 003 MOBILE codes) sends nothing; each message is written to <logDir>/sms/<mobile>.json to be read.
    SMS_MODE: 'sandbox',
    SMS_SANDBOX_DIR: path.join(logDir, 'sms'),
    ...opts.env,
  };
  const envFor = (s: ServiceName): Record<string, string> => ({
    ...common,
    MONGO_DB: dbName(s),
    GRPC_PORT: String(ports[s].grpc),
    METRICS_PORT: String(ports[s].metrics),
    ...pki.env(s),
    ...(s === 'gateway' ? {} : { GRPC_HOST: '127.0.0.1', GRPC_HEALTH_HOST: '127.0.0.1', GRPC_HEALTH_PORT: String(ports[s].health) }),
    ...(s === 'gateway'
      ? {
          HTTP_PORT: String(httpPort),
          PUBLIC_BASE_URL: `http://127.0.0.1:${httpPort}`,
          // OSS clients refuse signed URLs for an IP endpoint: seed 001's store is named by host.
          OSS_ENDPOINT: `http://localhost:${httpPort}`,
          REVIEWER_HTTP_PORT: String(reviewerPort),
          REVIEWER_HTTP_HOST: '127.0.0.1',
        }
      : {}),
  });

  // The probes the Helm chart uses: gRPC health for back-end services, /readyz for the gateway.
  const readiness = (s: ServiceName): ReadinessProbe =>
    s === 'gateway'
      ? async () => (await fetch(`http://127.0.0.1:${httpPort}/readyz`, { signal: AbortSignal.timeout(1_000) })).ok
      : async () => (await checkGrpcHealth(healthTarget(s))) === 'SERVING';
  const services = Object.fromEntries(
    SERVICE_NAMES.map((s) => [s, new ServiceProcess(s, launch(s, envFor(s)), envFor(s), path.join(logDir, `${s}.log`), readiness(s))]),
  ) as Record<ServiceName, ServiceProcess>;

  const stop = async () => {
    await Promise.all(SERVICE_NAMES.map((s) => services[s].stop()));
  };
  try {
    // Owners first, the gateway last: it is ready only when its callees are.
    await Promise.all(SERVICE_NAMES.filter((s) => s !== 'gateway').map((s) => services[s].start()));
    await services.gateway.start();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    gatewayUrl: `http://127.0.0.1:${httpPort}`,
    reviewerUrl: `http://127.0.0.1:${reviewerPort}`,
    namespace,
    masterKey,
    logDir,
    gatewayEnv: envFor('gateway'),
    services,
    grpcTargets: byGrpcService(target),
    healthTargets: byGrpcService(healthTarget),
    pki,
    dbName,
    topic: (family) => `${topicPrefix}${family}`,
    readLogs: () => SERVICE_NAMES.map((s) => (fs.existsSync(services[s].logFile) ? fs.readFileSync(services[s].logFile, 'utf8') : '')).join('\n'),
    stop,
  };
}
