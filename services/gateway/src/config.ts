import { grpcTargetConfig, grpcTlsConfig, kafkaConfig, loadConfig, masterKeyConfig, mongoConfig } from '@kyc/core';

/** OSS bucket names: 3-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit. */
function bucketName(v: unknown): void {
  if (typeof v !== 'string' || !/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(v)) throw new Error('must be 3-63 lower-case letters, digits or -');
}

export const gatewayConfigSchema = {
  httpPort: { doc: 'Partner-facing HTTP port (0 = any free port)', format: 'port', default: 8080, env: 'HTTP_PORT' },
  metricsPort: { doc: 'Port of /metrics for operators', format: 'port', default: 9461, env: 'METRICS_PORT' },
  // Reviewer API: its own port, to be reachable only from the operators' network (never the partner ingress).
  reviewerHttpPort: { doc: 'Reviewer API HTTP port (0 = any free port)', format: 'port', default: 8081, env: 'REVIEWER_HTTP_PORT' },
  reviewerHttpHost: { doc: 'Address the reviewer API binds to', format: 'non-empty-string', default: '0.0.0.0', env: 'REVIEWER_HTTP_HOST' },
  ...masterKeyConfig(),
  mongo: mongoConfig('kyc_gateway'),
  kafka: kafkaConfig(),
  realnamePatternTarget: grpcTargetConfig('REALNAME_PATTERN_TARGET', '127.0.0.1:50052', 'realname-pattern'),
  identityLookupTarget: grpcTargetConfig('IDENTITY_LOOKUP_TARGET', '127.0.0.1:50053', 'identity-lookup'),
  photoStorageTarget: grpcTargetConfig('PHOTO_STORAGE_TARGET', '127.0.0.1:50054', 'photo-storage'),
  grpcTls: grpcTlsConfig(),
  sessionTtlSeconds: { doc: 'Lifetime of a user_sid', format: 'nat', default: 7200, env: 'SESSION_TTL_SECONDS' },
  authCacheSeconds: {
    doc: 'How long a resolved session or partner is reused in memory: the bound on how late a revoked or erased session, a rotated secret or a deactivated partner stops working (0 turns the cache off)',
    format: 'nat',
    default: 5,
    env: 'AUTH_CACHE_SECONDS',
  },
  signatureMaxSkewSeconds: {
    doc: 'How far a signed request time_stamp may be from server time',
    format: 'nat',
    default: 300,
    env: 'SIGNATURE_MAX_SKEW_SECONDS',
  },
  publicBaseUrl: {
    doc: 'Public base URL of the partner API, for links the gateway hands out (signed photo URLs)',
    format: String,
    default: 'http://127.0.0.1:8080',
    env: 'PUBLIC_BASE_URL',
  },
  urlSigningKey: {
    doc: 'Hex key of the gateway\'s short-lived signed URLs (HMAC); empty: derived from the master key',
    format: String,
    default: '',
    env: 'URL_SIGNING_KEY',
    sensitive: true,
  },
  signedUrlTtlSeconds: { doc: 'Lifetime of a signed photo URL', format: 'nat', default: 600, env: 'SIGNED_URL_TTL_SECONDS' },
  // Seed 001: the OSS-compatible object store its getsts credentials work against.
  objectStore: {
    bucket: {
      doc: 'Name of the bucket the OSS-compatible store serves (getsts answers it; clients sign with it)',
      format: bucketName,
      default: 'kyc-auth-image',
      env: 'OSS_BUCKET',
    },
    endpoint: {
      doc: 'Base URL OSS clients are told to send requests to; empty: PUBLIC_BASE_URL',
      format: String,
      default: '',
      env: 'OSS_ENDPOINT',
    },
    region: { doc: 'Region name getsts answers, for clients that sign with it (V4)', format: 'non-empty-string', default: 'oss-cn-hangzhou', env: 'OSS_REGION' },
    stsTtlSeconds: { doc: 'Lifetime of getsts credentials (capped by the session expiry)', format: 'nat', default: 900, env: 'OSS_STS_TTL_SECONDS' },
    roleArn: {
      doc: 'RoleArn getsts reports (informational, as Alibaba STS reports the assumed role)',
      format: 'non-empty-string',
      default: 'acs:ram::1000000000000000:role/kyc-auth-upload',
      env: 'OSS_ROLE_ARN',
    },
  },
  // Retention of abandoned drafts (seed 001 step-1 information never submitted or left untouched).
  draftRetention: {
    retentionSeconds: { doc: 'Drafts untouched this long are erased', format: 'nat', default: 30 * 86_400, env: 'DRAFT_RETENTION_SECONDS' },
    intervalSeconds: { doc: 'How often the draft retention sweeper runs', format: 'nat', default: 3_600, env: 'DRAFT_SWEEP_INTERVAL_SECONDS' },
    batchSize: { doc: 'Most drafts erased per sweep', format: 'nat', default: 500, env: 'DRAFT_SWEEP_BATCH_SIZE' },
  },
  accessLog: {
    doc: "Which partner requests get a log line: 'refusals' (4xx and 5xx; every request is counted in metrics) or 'all'",
    format: ['refusals', 'all'],
    default: 'refusals' as 'refusals' | 'all',
    env: 'ACCESS_LOG',
  },
  rateLimitPerMinute: { doc: 'Requests per minute per client address on partner APIs', format: 'nat', default: 600, env: 'RATE_LIMIT_PER_MINUTE' },
  // Seed 002 photo endpoints (submit_photo / fetch_photo / delete_photo).
  photo: {
    maxBytes: {
      doc: 'Largest photo accepted by submit_photo, in bytes; larger uploads get result 403 and reading stops',
      format: 'nat',
      default: 10 * 1024 * 1024,
      env: 'PHOTO_MAX_BYTES',
    },
    transferDeadlineMs: {
      doc: 'Deadline of one photo upload or download streamed to/from photo-storage',
      format: 'nat',
      default: 60_000,
      env: 'PHOTO_TRANSFER_DEADLINE_MS',
    },
  },
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
export const loadGatewayConfig = () => loadConfig(gatewayConfigSchema);
