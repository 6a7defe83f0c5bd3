import { splitList } from './config';

/**
 * Configuration keys shared by several services, declared once so that every service names and
 * documents them the same way. A service composes these with its own keys in `src/config.ts`.
 */
export const mongoConfig = (defaultDb: string) => ({
  url: { doc: 'MongoDB connection string (MongoDB 7 or FerretDB v1)', format: 'non-empty-string', default: 'mongodb://127.0.0.1:27017/', env: 'MONGO_URL' },
  db: { doc: "This service's own database", format: 'non-empty-string', default: defaultDb, env: 'MONGO_DB' },
});

export const kafkaConfig = () => ({
  brokers: { doc: 'Comma-separated Kafka bootstrap brokers', format: 'non-empty-string', default: '127.0.0.1:9092', env: 'KAFKA_BROKERS' },
  topicPrefix: { doc: 'Prefix for every topic name (lets environments share a broker)', format: String, default: '', env: 'KAFKA_TOPIC_PREFIX' },
  startupDeadlineMs: {
    doc: 'How long each Kafka start-up step (connect, create topics, join a group) waits for a broker that is still coming up',
    format: 'nat',
    default: 60_000,
    env: 'KAFKA_STARTUP_DEADLINE_MS',
  },
  // TLS and SASL towards the brokers (a managed or existing Kafka); all off by default.
  tls: { doc: 'Connect to the brokers over TLS', format: Boolean, default: false, env: 'KAFKA_TLS' },
  tlsCaFile: { doc: "PEM file of the CA(s) of the brokers' certificates; empty: the system CAs", format: String, default: '', env: 'KAFKA_TLS_CA_FILE' },
  saslMechanism: { doc: 'SASL mechanism: plain, scram-sha-256 or scram-sha-512; empty: no SASL', format: ['', 'plain', 'scram-sha-256', 'scram-sha-512'], default: '', env: 'KAFKA_SASL_MECHANISM' },
  saslUsername: { doc: 'SASL user name', format: String, default: '', env: 'KAFKA_SASL_USERNAME' },
  saslPassword: { doc: 'SASL password', format: String, default: '', env: 'KAFKA_SASL_PASSWORD', sensitive: true },
});

export const listenConfig = (defaultGrpcPort: number, defaultMetricsPort: number) => ({
  grpcPort: { doc: 'gRPC listen port (0 = any free port)', format: 'port', default: defaultGrpcPort, env: 'GRPC_PORT' },
  metricsPort: { doc: 'Port of /metrics and /healthz for operators', format: 'port', default: defaultMetricsPort, env: 'METRICS_PORT' },
});

/**
 * Where a service's gRPC server listens and who may call it. Service-to-service gRPC is mutual
 * TLS only (see grpcTlsConfig); the standard health service is served again, in plaintext and
 * alone, on the health port, because Kubernetes' gRPC probes cannot speak TLS.
 */
export const grpcServerConfig = (defaultHealthPort: number, defaultAllowedCallers: string) => ({
  host: { doc: 'Address the gRPC server (mutual TLS) binds to', format: 'non-empty-string', default: '0.0.0.0', env: 'GRPC_HOST' },
  healthHost: { doc: 'Address the plaintext health port binds to', format: 'non-empty-string', default: '0.0.0.0', env: 'GRPC_HEALTH_HOST' },
  healthPort: { doc: 'Plaintext port carrying only grpc.health.v1.Health, for probes (0 = any free port)', format: 'port', default: defaultHealthPort, env: 'GRPC_HEALTH_PORT' },
  allowedCallers: {
    doc: 'Services allowed to call this one, by the identity in their certificate (spiffe://kyc.local/<service>), comma-separated; empty: nobody',
    format: 'service-list',
    default: defaultAllowedCallers,
    env: 'GRPC_ALLOWED_CALLERS',
  },
});

/**
 * TLS material of a service, as PEM files (a cert-manager Secret mounted as a volume carries
 * them as ca.crt, tls.crt and tls.key). Required: there is no insecure mode.
 */
export const grpcTlsConfig = () => ({
  caFile: { doc: 'CA certificate(s) that sign the certificates of the platform services (PEM)', format: 'tls-file', default: '', env: 'GRPC_TLS_CA_FILE' },
  certFile: { doc: "This service's certificate chain (PEM), its identity as URI SAN", format: 'tls-file', default: '', env: 'GRPC_TLS_CERT_FILE' },
  keyFile: { doc: "This service's private key (PEM)", format: 'tls-file', default: '', env: 'GRPC_TLS_KEY_FILE' },
});

export const masterKeyConfig = () => ({
  masterKey: {
    doc: 'Master key (64 hex chars) that wraps the per-object data keys of personal data',
    format: 'hex-key-256',
    default: '',
    env: 'KYC_MASTER_KEY',
    sensitive: true,
  },
  masterKeyId: { doc: 'Identifier of the master key version', format: 'non-empty-string', default: 'mk1', env: 'KYC_MASTER_KEY_ID' },
});

export const grpcTargetConfig = (envName: string, defaultTarget: string, what: string) => ({
  doc: `gRPC address of ${what}`,
  format: 'non-empty-string',
  default: defaultTarget,
  env: envName,
});

export const splitBrokers = (brokers: string) => splitList(brokers);
