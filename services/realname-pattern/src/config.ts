import { grpcServerConfig, grpcTlsConfig, grpcTargetConfig, kafkaConfig, listenConfig, loadConfig, masterKeyConfig, mongoConfig } from '@kyc/core';

export const realnamePatternConfigSchema = {
  ...listenConfig(50052, 9462),
  grpc: grpcServerConfig(50062, 'gateway,notifier'),
  // The review API hands out names and ID numbers to reviewers: only the gateway (reviewer API) may call it.
  reviewApiAllowedCallers: {
    doc: 'Services allowed to call RealnamePatternService (review cases), comma-separated; a subset of GRPC_ALLOWED_CALLERS',
    format: 'service-list',
    default: 'gateway',
    env: 'REVIEW_API_ALLOWED_CALLERS',
  },
  grpcTls: grpcTlsConfig(),
  ...masterKeyConfig(),
  mongo: mongoConfig('kyc_realname_pattern'),
  kafka: kafkaConfig(),
  identityLookupTarget: grpcTargetConfig('IDENTITY_LOOKUP_TARGET', '127.0.0.1:50053', 'identity-lookup'),
  photoStorageTarget: grpcTargetConfig('PHOTO_STORAGE_TARGET', '127.0.0.1:50054', 'photo-storage'),
  rollForwardIntervalMs: {
    doc: 'How often to look for review decisions that were committed to the audit trail but not applied to their case',
    format: 'nat',
    default: 5_000,
    env: 'REVIEW_ROLL_FORWARD_INTERVAL_MS',
  },
  rollForwardGraceMs: {
    doc: 'Age a committed decision must reach before the roll-forward applies it (an in-flight decision applies itself)',
    format: 'nat',
    default: 10_000,
    env: 'REVIEW_ROLL_FORWARD_GRACE_MS',
  },
  idAuthority: {
    mode: {
      doc: 'ID authority adapter: http (the real authority at ID_AUTHORITY_URL) or sandbox (deterministic test identities, see README)',
      format: ['http', 'sandbox'],
      default: 'http',
      env: 'ID_AUTHORITY_MODE',
    },
    url: { doc: 'Base URL of the ID authority (http mode)', format: String, default: '', env: 'ID_AUTHORITY_URL' },
    appcode: { doc: 'APPCODE credential of the ID authority (http mode); never logged', format: String, default: '', env: 'ID_AUTHORITY_APPCODE', sensitive: true },
    timeoutMs: { doc: 'Timeout of one request to the ID authority', format: 'nat', default: 5_000, env: 'ID_AUTHORITY_TIMEOUT_MS' },
    retries: {
      doc: 'Extra attempts within one check after connection refused or HTTP 502/503/504',
      format: 'nat',
      default: 2,
      env: 'ID_AUTHORITY_RETRIES',
    },
    retryBaseMs: { doc: 'First back-off between those attempts (doubles each time)', format: 'nat', default: 200, env: 'ID_AUTHORITY_RETRY_BASE_MS' },
    breakerVolume: {
      doc: 'Checks within the rolling window before the breaker may open',
      format: 'nat',
      default: 5,
      env: 'ID_AUTHORITY_BREAKER_VOLUME',
    },
    breakerErrorPercent: { doc: 'Failure percentage that opens the breaker', format: 'nat', default: 50, env: 'ID_AUTHORITY_BREAKER_ERROR_PERCENT' },
    breakerResetMs: {
      doc: 'How long the open breaker fails checks fast before letting one through',
      format: 'nat',
      default: 30_000,
      env: 'ID_AUTHORITY_BREAKER_RESET_MS',
    },
    giveUpMs: {
      doc: 'How long a verification keeps retrying an unavailable provider before it fails with AUTHORITY.UNAVAILABLE',
      format: 'nat',
      default: 600_000,
      env: 'ID_AUTHORITY_GIVE_UP_MS',
    },
  },
  verificationProcessing: {
    leaseMs: {
      doc: 'How long one processing attempt holds a verification; after a crash, the sweep retries it once this has passed. Must exceed an attempt (authority timeout x attempts)',
      format: 'nat',
      default: 60_000,
      env: 'VERIFICATION_LEASE_MS',
    },
    sweepIntervalMs: {
      doc: 'How often to look for open verifications that are due (retries, and work of a crashed process)',
      format: 'nat',
      default: 1_000,
      env: 'VERIFICATION_SWEEP_INTERVAL_MS',
    },
    retryBaseMs: { doc: 'First delay before retrying a verification whose provider was unavailable (doubles)', format: 'nat', default: 1_000, env: 'VERIFICATION_RETRY_BASE_MS' },
    retryMaxMs: { doc: 'Longest delay between those retries', format: 'nat', default: 60_000, env: 'VERIFICATION_RETRY_MAX_MS' },
  },
};

export type RealnamePatternConfig = ReturnType<typeof loadRealnamePatternConfig>;
export const loadRealnamePatternConfig = () => loadConfig(realnamePatternConfigSchema);
