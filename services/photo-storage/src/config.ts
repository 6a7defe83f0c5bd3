import { kafkaConfig, listenConfig, loadConfig, masterKeyConfig, mongoConfig } from '@kyc/core';

export const photoStorageConfigSchema = {
  ...listenConfig(50054, 9464),
  ...masterKeyConfig(),
  mongo: mongoConfig('kyc_photo_storage'),
  kafka: kafkaConfig(),
};

export type PhotoStorageConfig = ReturnType<typeof loadPhotoStorageConfig>;
export const loadPhotoStorageConfig = () => loadConfig(photoStorageConfigSchema);
