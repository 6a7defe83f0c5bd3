import { identity, photo, realname } from '@kyc/contracts';
import { Logger } from '@kyc/core';
import { createClient, ResilientClient, TlsSource } from '@kyc/grpc-kit';

/** The gateway's gRPC clients, one breaker per callee. */
export interface DownstreamClients {
  realnamePattern: ResilientClient<realname.RealnamePatternServiceClient>;
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
    identityLookup: createClient(identity.IdentityLookupServiceClient, targets.identityLookup, { name: 'identity-lookup', logger }, tls),
    photoStorage: createClient(photo.PhotoStorageServiceClient, targets.photoStorage, { name: 'photo-storage', logger }, tls),
  };
  return { ...clients, close: () => Object.values(clients).forEach((c) => c.close()) };
}
