import { kafkaConfig, listenConfig, loadConfig, mongoConfig } from '@kyc/core';

export const notifierConfigSchema = {
  ...listenConfig(50055, 9465),
  mongo: mongoConfig('kyc_notifier'),
  kafka: kafkaConfig(),
};

export type NotifierConfig = ReturnType<typeof loadNotifierConfig>;
export const loadNotifierConfig = () => loadConfig(notifierConfigSchema);
