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
});

export const listenConfig = (defaultGrpcPort: number, defaultMetricsPort: number) => ({
  grpcPort: { doc: 'gRPC listen port (0 = any free port)', format: 'port', default: defaultGrpcPort, env: 'GRPC_PORT' },
  metricsPort: { doc: 'Port of /metrics and /healthz for operators', format: 'port', default: defaultMetricsPort, env: 'METRICS_PORT' },
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

export const splitBrokers = (brokers: string) => brokers.split(',').map((b) => b.trim()).filter(Boolean);
