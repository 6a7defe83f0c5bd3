import { grpcServerConfig, grpcTlsConfig, listenConfig, loadConfig, masterKeyConfig, mongoConfig } from '@kyc/core';

export const identityLookupConfigSchema = {
  ...listenConfig(50053, 9463),
  grpc: grpcServerConfig(50063, 'gateway,realname-pattern'),
  grpcTls: grpcTlsConfig(),
  ...masterKeyConfig(),
  mongo: mongoConfig('kyc_identity_lookup'),
  recordAllowedCallers: {
    doc: 'Services allowed to call RecordVerifiedIdentity, comma-separated (they must also be in GRPC_ALLOWED_CALLERS)',
    format: 'service-list',
    default: 'realname-pattern',
    env: 'IDENTITY_RECORD_ALLOWED_CALLERS',
  },
};

export type IdentityLookupConfig = ReturnType<typeof loadIdentityLookupConfig>;
export const loadIdentityLookupConfig = () => loadConfig(identityLookupConfigSchema);
