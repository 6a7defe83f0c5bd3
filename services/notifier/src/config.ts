import { grpcServerConfig, grpcTlsConfig, kafkaConfig, listenConfig, loadConfig, mongoConfig } from '@kyc/core';

export const notifierConfigSchema = {
  ...listenConfig(50055, 9465),
  grpc: grpcServerConfig(50065, ''),
  grpcTls: grpcTlsConfig(),
  mongo: mongoConfig('kyc_notifier'),
  kafka: kafkaConfig(),
};

export type NotifierConfig = ReturnType<typeof loadNotifierConfig>;
export const loadNotifierConfig = () => loadConfig(notifierConfigSchema);
