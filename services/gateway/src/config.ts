import { grpcTargetConfig, kafkaConfig, loadConfig, masterKeyConfig, mongoConfig } from '@kyc/core';

export const gatewayConfigSchema = {
  httpPort: { doc: 'Partner-facing HTTP port (0 = any free port)', format: 'port', default: 8080, env: 'HTTP_PORT' },
  metricsPort: { doc: 'Port of /metrics for operators', format: 'port', default: 9461, env: 'METRICS_PORT' },
  ...masterKeyConfig(),
  mongo: mongoConfig('kyc_gateway'),
  kafka: kafkaConfig(),
  realnamePatternTarget: grpcTargetConfig('REALNAME_PATTERN_TARGET', '127.0.0.1:50052', 'realname-pattern'),
  identityLookupTarget: grpcTargetConfig('IDENTITY_LOOKUP_TARGET', '127.0.0.1:50053', 'identity-lookup'),
  photoStorageTarget: grpcTargetConfig('PHOTO_STORAGE_TARGET', '127.0.0.1:50054', 'photo-storage'),
  sessionTtlSeconds: { doc: 'Lifetime of a user_sid', format: 'nat', default: 7200, env: 'SESSION_TTL_SECONDS' },
  signatureMaxSkewSeconds: {
    doc: 'How far a signed request time_stamp may be from server time',
    format: 'nat',
    default: 300,
    env: 'SIGNATURE_MAX_SKEW_SECONDS',
  },
  rateLimitPerMinute: { doc: 'Requests per minute per client address on partner APIs', format: 'nat', default: 600, env: 'RATE_LIMIT_PER_MINUTE' },
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
export const loadGatewayConfig = () => loadConfig(gatewayConfigSchema);
