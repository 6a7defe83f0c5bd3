import { grpcServerConfig, grpcTargetConfig, grpcTlsConfig, kafkaConfig, listenConfig, loadConfig, masterKeyConfig, mongoConfig } from '@kyc/core';
import { providerConfig } from '@kyc/provider-kit';

/** A convict format function (the env string is coerced by the number default). */
function positiveNumber(value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error('must be a positive number');
}

export const notifierConfigSchema = {
  ...listenConfig(50055, 9465),
  // Operators reach NotifierService through the gateway's operator surface (or `kyc callbacks`).
  grpc: grpcServerConfig(50065, 'gateway'),
  grpcTls: grpcTlsConfig(),
  ...masterKeyConfig(),
  mongo: mongoConfig('kyc_notifier'),
  kafka: kafkaConfig(),
  realnamePatternTarget: grpcTargetConfig('REALNAME_PATTERN_TARGET', '127.0.0.1:50052', 'realname-pattern'),
  callbacks: {
    timeoutMs: { doc: 'Deadline of one callback HTTP attempt (connect, answer head)', format: 'nat', default: 10_000, env: 'CALLBACK_TIMEOUT_MS' },
    leaseMs: {
      doc: 'How long a claimed callback stays leased to this process; a lease left by a crashed process is claimed again after it (at least CALLBACK_TIMEOUT_MS + 5 s is used)',
      format: 'nat',
      default: 30_000,
      env: 'CALLBACK_LEASE_MS',
    },
    retryScale: {
      doc: 'Multiplier of the retry ladder (10 s ... 8 h, about a day in all); below 1 shrinks it (tests)',
      format: positiveNumber,
      default: 1,
      env: 'CALLBACK_RETRY_SCALE',
    },
    maxInFlightPerPartner: { doc: 'Callbacks in flight at once to one partner', format: 'nat', default: 4, env: 'CALLBACK_MAX_IN_FLIGHT_PER_PARTNER' },
    maxInFlight: { doc: 'Callbacks in flight at once, all partners together', format: 'nat', default: 64, env: 'CALLBACK_MAX_IN_FLIGHT' },
    pollIntervalMs: { doc: 'Longest wait between looks for due callbacks', format: 'nat', default: 1_000, env: 'CALLBACK_POLL_INTERVAL_MS' },
    settingsCacheMs: {
      doc: "How long a partner's callback settings read for one attempt are reused for the next (0: read every time); another replica sees a change within it",
      format: 'nat',
      default: 2_000,
      env: 'CALLBACK_SETTINGS_CACHE_MS',
    },
  },
  // Seed 003 MOBILE's one-time codes (kyc.mobile-code.v1), through the SMS port.
  sms: {
    ...providerConfig('SMS', {
      what: 'the SMS gateway, Alibaba Cloud SMS',
      credentials: { accessKeyId: 'ACCESS_KEY_ID', accessKeySecret: 'ACCESS_KEY_SECRET' },
      defaults: { url: 'https://dysmsapi.aliyuncs.com' },
    }),
    signName: { doc: 'Approved SMS signature every message carries (http mode)', format: String, default: '', env: 'SMS_SIGN_NAME' },
    codeTemplateCode: {
      doc: 'Approved template (SMS_<digits>) of the one-time code message, with the variable code; required in http mode',
      format: String,
      default: '',
      env: 'SMS_CODE_TEMPLATE_CODE',
    },
    sandboxDir: {
      doc: 'Development only, sandbox mode only: directory where the sandbox writes each message (the code a test types in)',
      format: String,
      default: '',
      env: 'SMS_SANDBOX_DIR',
    },
  },
};

export type NotifierConfig = ReturnType<typeof loadNotifierConfig>;
export const loadNotifierConfig = () => loadConfig(notifierConfigSchema);
