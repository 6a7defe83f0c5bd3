import { identity, photo, realname, verification } from '@kyc/contracts';
import { KycError, Logger } from '@kyc/core';
import { createClient, isBusinessError, isLocalError, ResilientClient, TlsSource } from '@kyc/grpc-kit';

/** The gateway's gRPC clients, one breaker per callee service. */
export interface DownstreamClients {
  realnamePattern: ResilientClient<realname.RealnamePatternServiceClient>;
  /** realname-pattern's VerificationService (same server, its own breaker). */
  verifications: ResilientClient<verification.VerificationServiceClient>;
  /**
   * realname-pattern's VerificationService for liveness: its calls wait on the liveness provider,
   * so they get a longer deadline and a breaker of their own (a provider outage must not stop the
   * other verifications).
   */
  liveness: ResilientClient<verification.VerificationServiceClient>;
  /** The same for seed 003's provider-backed patterns (e-card, WeChat, UnionPay): their own deadline and breaker. */
  campusProviders: ResilientClient<verification.VerificationServiceClient>;
  identityLookup: ResilientClient<identity.IdentityLookupServiceClient>;
  photoStorage: ResilientClient<photo.PhotoStorageServiceClient>;
  close(): void;
}

/** Covers the liveness provider's timeout and retries behind realname-pattern (5 s x 3 by default). */
const LIVENESS_DEADLINE_MS = 20_000;

/**
 * A provider that cannot answer (KYC.ECARD.*, KYC.WECHAT_FACE.*, KYC.UNIONPAY_FACE.*, with their own
 * breakers in realname-pattern) is an answer from a healthy realname-pattern: it must not open the
 * breaker in front of it.
 */
const CAMPUS_PROVIDER_CODE = /^KYC\.(ECARD|WECHAT_FACE|UNIONPAY_FACE)\./;
const answeredByRealnamePattern = (err: unknown): boolean =>
  isBusinessError(err) || isLocalError(err) || (err instanceof KycError && CAMPUS_PROVIDER_CODE.test(err.code));

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
    liveness: createClient(
      verification.VerificationServiceClient,
      targets.realnamePattern,
      { name: 'realname-pattern-liveness', logger, deadlineMs: LIVENESS_DEADLINE_MS },
      tls,
      'realname-pattern',
    ),
    campusProviders: createClient(
      verification.VerificationServiceClient,
      targets.realnamePattern,
      { name: 'realname-pattern-campus-providers', logger, deadlineMs: LIVENESS_DEADLINE_MS, breaker: { errorFilter: answeredByRealnamePattern } },
      tls,
      'realname-pattern',
    ),
    identityLookup: createClient(identity.IdentityLookupServiceClient, targets.identityLookup, { name: 'identity-lookup', logger }, tls),
    photoStorage: createClient(photo.PhotoStorageServiceClient, targets.photoStorage, { name: 'photo-storage', logger }, tls),
  };
  return { ...clients, close: () => Object.values(clients).forEach((c) => c.close()) };
}
