import { grpcServerConfig, grpcTlsConfig, listenConfig, loadConfig, masterKeyConfig, mongoConfig } from '@kyc/core';

const storageConfig = () => ({
  ...masterKeyConfig(),
  mongo: mongoConfig('kyc_identity_lookup'),
});

export const identityLookupConfigSchema = {
  ...listenConfig(50053, 9463),
  grpc: grpcServerConfig(50063, 'gateway,realname-pattern'),
  grpcTls: grpcTlsConfig(),
  ...storageConfig(),
  recordAllowedCallers: {
    doc: 'Services allowed to call RecordVerifiedIdentity, comma-separated (they must also be in GRPC_ALLOWED_CALLERS)',
    format: 'service-list',
    default: 'realname-pattern',
    env: 'IDENTITY_RECORD_ALLOWED_CALLERS',
  },
  rosterAllowedCallers: {
    doc: 'Services allowed to call RosterService (school lookup, roster matching), comma-separated (they must also be in GRPC_ALLOWED_CALLERS)',
    format: 'service-list',
    default: 'realname-pattern',
    env: 'ROSTER_API_ALLOWED_CALLERS',
  },
};

export type IdentityLookupConfig = ReturnType<typeof loadIdentityLookupConfig>;
export const loadIdentityLookupConfig = () => loadConfig(identityLookupConfigSchema);

/** The roster operator commands (`kyc roster`) work on the database directly: no gRPC, so no TLS material. */
export const rosterCliConfigSchema = {
  ...storageConfig(),
  importBatchSize: {
    doc: 'Roster rows written per batch by kyc roster import',
    format: 'nat',
    default: 1000,
    env: 'ROSTER_IMPORT_BATCH_SIZE',
  },
};

export const loadRosterCliConfig = () => loadConfig(rosterCliConfigSchema);
