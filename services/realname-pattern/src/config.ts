import { grpcServerConfig, grpcTlsConfig, grpcTargetConfig, kafkaConfig, listenConfig, loadConfig, masterKeyConfig, mongoConfig } from '@kyc/core';

export const realnamePatternConfigSchema = {
  ...listenConfig(50052, 9462),
  grpc: grpcServerConfig(50062, 'gateway'),
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
};

export type RealnamePatternConfig = ReturnType<typeof loadRealnamePatternConfig>;
export const loadRealnamePatternConfig = () => loadConfig(realnamePatternConfigSchema);
