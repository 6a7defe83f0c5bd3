import { grpcServerConfig, grpcTlsConfig, listenConfig, loadConfig, mongoConfig } from '@kyc/core';

export const identityLookupConfigSchema = {
  ...listenConfig(50053, 9463),
  grpc: grpcServerConfig(50063, 'gateway,realname-pattern'),
  grpcTls: grpcTlsConfig(),
  mongo: mongoConfig('kyc_identity_lookup'),
};

export type IdentityLookupConfig = ReturnType<typeof loadIdentityLookupConfig>;
export const loadIdentityLookupConfig = () => loadConfig(identityLookupConfigSchema);
