import { grpcServerConfig, grpcTlsConfig, grpcTargetConfig, kafkaConfig, listenConfig, loadConfig, masterKeyConfig, mongoConfig } from '@kyc/core';
import { providerConfig } from '@kyc/provider-kit';

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
    ...providerConfig('ID_AUTHORITY', { what: 'the ID authority', credentials: { appcode: 'APPCODE' } }),
    giveUpMs: {
      doc: 'How long a verification keeps retrying an unavailable provider before it fails with AUTHORITY.UNAVAILABLE',
      format: 'nat',
      default: 600_000,
      env: 'ID_AUTHORITY_GIVE_UP_MS',
    },
  },
  // Seed 001's /ali/appToken and /ali/vedioAuth (the liveness method); see README "Liveness".
  liveness: {
    ...providerConfig('LIVENESS', {
      what: 'the liveness provider, Alibaba Cloud real-person verification',
      credentials: { accessKeyId: 'ACCESS_KEY_ID', accessKeySecret: 'ACCESS_KEY_SECRET' },
      defaults: { url: 'https://cloudauth.aliyuncs.com' },
    }),
    sceneId: { doc: 'Authentication scene id created in the cloudauth console (http mode)', format: String, default: '', env: 'LIVENESS_SCENE_ID' },
    productCode: { doc: 'cloudauth ProductCode: ID_PRO for the app SDK', format: 'non-empty-string', default: 'ID_PRO', env: 'LIVENESS_PRODUCT_CODE' },
    model: { doc: 'cloudauth liveness Model, e.g. LIVENESS (blink) or MOVE_ACTION', format: 'non-empty-string', default: 'LIVENESS', env: 'LIVENESS_MODEL' },
    certifyTtlMs: {
      doc: 'How long a started liveness check can be finished; after that it is expired (LIVENESS.EXPIRED)',
      format: 'nat',
      default: 1_800_000,
      env: 'LIVENESS_CERTIFY_TTL_MS',
    },
  },
  // Seed 003's campus providers; see README "Campus providers".
  ecard: {
    ...providerConfig('ECARD', { what: "the schools' e-card connectors", credentials: {} }),
    schoolsFile: {
      doc: "JSON file of the schools' e-card connectors (url, keyId, secret, passwordScheme per customerCode); required in http mode",
      format: String,
      default: '',
      env: 'ECARD_SCHOOLS_FILE',
    },
  },
  wechatFace: {
    ...providerConfig('WECHAT_FACE', {
      what: "WeChat's face verification result query",
      credentials: { appId: 'APP_ID', appSecret: 'APP_SECRET' },
      defaults: { url: 'https://api.weixin.qq.com' },
    }),
    tokenRefreshMarginMs: {
      doc: "Replace the platform app's cached WeChat access token this long before it expires",
      format: 'nat',
      default: 300_000,
      env: 'WECHAT_FACE_TOKEN_REFRESH_MARGIN_MS',
    },
    maxAgeMs: { doc: 'How old a WeChat face result may be and still prove an identity', format: 'nat', default: 600_000, env: 'WECHAT_FACE_MAX_AGE_MS' },
  },
  unionpayFace: {
    ...providerConfig('UNIONPAY_FACE', { what: 'UnionPay face verification, a model of an unconfirmed flow', credentials: { appId: 'APP_ID', appSecret: 'APP_SECRET' } }),
    // Sandbox by default for this provider alone: the HTTP exchange is not confirmed with UnionPay (seed 003).
    mode: {
      doc: 'Adapter of UnionPay face verification: sandbox (default; deterministic test identities) or http (a model of the exchange, opt in knowingly)',
      format: ['http', 'sandbox'],
      default: 'sandbox',
      env: 'UNIONPAY_FACE_MODE',
    },
  },
  // Seed 003 MOBILE's one-time codes (README "MOBILE").
  mobileCode: {
    ttlMs: { doc: 'How long a mobile code can be used', format: 'nat', default: 300_000, env: 'MOBILE_CODE_TTL_MS' },
    maxAttempts: { doc: 'Attempts at one mobile code before it is dead', format: 'nat', default: 5, env: 'MOBILE_CODE_MAX_ATTEMPTS' },
    resendAfterMs: { doc: 'Least time between two codes to the same number', format: 'nat', default: 60_000, env: 'MOBILE_CODE_RESEND_AFTER_MS' },
    rateWindowMs: { doc: 'Window of the per-number and per-user limits', format: 'nat', default: 3_600_000, env: 'MOBILE_CODE_RATE_WINDOW_MS' },
    maxPerNumber: { doc: 'Codes to one number within the window', format: 'nat', default: 5, env: 'MOBILE_CODE_MAX_PER_NUMBER' },
    maxPerSubject: { doc: 'Codes one user may ask for within the window', format: 'nat', default: 10, env: 'MOBILE_CODE_MAX_PER_SUBJECT' },
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
