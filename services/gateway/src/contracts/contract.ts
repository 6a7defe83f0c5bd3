import { Response, Router } from 'express';
import { Logger } from '@kyc/core';
import { GatewayPorts } from '../application/ports';

/**
 * Errors raised outside a contract's own handlers (malformed JSON, a body too large, the rate
 * limit, a method the path is not described with, an unexpected failure) still answer in the shape of the contract that was called.
 */
export type FrameworkError = 'bad-request' | 'too-large' | 'rate-limited' | 'not-found' | 'method-not-allowed' | 'internal';

/** What every contract may use: the application's ports and shared settings, nothing else. */
export interface ContractContext {
  ports: GatewayPorts;
  logger: Logger;
  settings: {
    sessionTtlSeconds: number;
    signatureMaxSkewSeconds: number;
    photo: { maxBytes: number; transferDeadlineMs: number };
    /** Public base URL of the gateway, for links it hands out (signed photo URLs). */
    publicBaseUrl: string;
    /** Key for the gateway's own short-lived signed URLs (HMAC). */
    urlSigningKey: Buffer;
    signedUrlTtlSeconds: number;
  };
}

/**
 * One partner contract (one seed): its routes, envelope, auth scheme and error table live in one
 * folder under contracts/, and the registry (contracts/registry.ts) lists it. Contracts never
 * import each other or adapters; they call application use cases through ports.
 */
export interface PartnerContract {
  /** Short name, also the folder name, e.g. "member-status". */
  name: string;
  /** The seed file this contract serves, e.g. "000". */
  seed: string;
  /** Path prefixes the contract owns (used to pick the error shape of framework errors). */
  pathPrefixes: string[];
  /** Feature a partner must be granted to use the contract ("" when open to every partner). */
  feature: string;
  router(ctx: ContractContext): Router;
  /** Answers a framework error in this contract's envelope and status. */
  replyFrameworkError(res: Response, error: FrameworkError): void;
  /** Absolute path of the contract's OpenAPI fragment (YAML: paths, components, webhooks). */
  openapiFragment: string;
  /** Paths whose JSON bodies may exceed the gateway's 64 kB default (a face photo inside the JSON), with their limit. */
  largeJsonBodies?: Record<string, string>;
}
