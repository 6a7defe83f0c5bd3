import { identity, photo, realname, verification } from '@kyc/contracts';
import { Logger } from '@kyc/core';
import { createClient, ResilientClient, TlsSource } from '@kyc/grpc-kit';

/** The gateway's gRPC clients, one breaker per callee service. */
export interface DownstreamClients {
  realnamePattern: ResilientClient<realname.RealnamePatternServiceClient>;
  /** realname-pattern's VerificationService (same server, its own breaker). */
  verifications: ResilientClient<verification.VerificationServiceClient>;
  identityLookup: ResilientClient<identity.IdentityLookupServiceClient>;
  photoStorage: ResilientClient<photo.PhotoStorageServiceClient>;
  close(): void;
}

export function createDownstreamClients(
  targets: { realnamePattern: string; identityLookup: string; photoStorage: string },
  logger: Logger,
  tls: TlsSource,
): DownstreamClients {
  const clients = {
    realnamePattern: createClient(realname.RealnamePatternServiceClient, targets.realnamePattern, { name: 'realname-pattern', logger }, tls),
    verifications: createClient(
      verification.VerificationServiceClient,
      targets.realnamePattern,
      { name: 'realname-pattern-verifications', logger },
      tls,
      'realname-pattern',
    ),
    identityLookup: createClient(identity.IdentityLookupServiceClient, targets.identityLookup, { name: 'identity-lookup', logger }, tls),
    photoStorage: createClient(photo.PhotoStorageServiceClient, targets.photoStorage, { name: 'photo-storage', logger }, tls),
  };
  return { ...clients, close: () => Object.values(clients).forEach((c) => c.close()) };
}
