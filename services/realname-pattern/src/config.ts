import { grpcTargetConfig, kafkaConfig, listenConfig, loadConfig, masterKeyConfig, mongoConfig } from '@kyc/core';

export const realnamePatternConfigSchema = {
  ...listenConfig(50052, 9462),
  ...masterKeyConfig(),
  mongo: mongoConfig('kyc_realname_pattern'),
  kafka: kafkaConfig(),
  identityLookupTarget: grpcTargetConfig('IDENTITY_LOOKUP_TARGET', '127.0.0.1:50053', 'identity-lookup'),
  photoStorageTarget: grpcTargetConfig('PHOTO_STORAGE_TARGET', '127.0.0.1:50054', 'photo-storage'),
};

export type RealnamePatternConfig = ReturnType<typeof loadRealnamePatternConfig>;
export const loadRealnamePatternConfig = () => loadConfig(realnamePatternConfigSchema);
