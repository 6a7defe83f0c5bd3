import { Request, Response } from 'express';
import { Logger } from '@kyc/core';
import { FrameworkError } from '../contracts/contract';
import { ObjectStorePort, PhotosPort } from '../application/ports';
import { objectRoutes } from './object-routes';
import { OSS_ERRORS as E, OssError, OssErrorKind, replyOssError } from './oss-errors';
import { claimsRequest } from './oss-request';
import { StsAuthority } from './sts-credentials';
import { UploadCredentialSettings, uploadCredentials } from './upload-credentials';

/**
 * The platform's OSS-compatible object store (seed 001): the bucket the credentials of
 * /user/getsts work against, so an unmodified Alibaba OSS client can upload ID photos with them.
 * Served by the gateway's partner listener; `claims` tells its requests from the contracts'.
 */
export interface ObjectStore {
  /** getsts credentials, signed read URLs and object references, for the seed 001 contract. */
  port: ObjectStorePort;
  claims(req: Request): boolean;
  handle(req: Request, res: Response): Promise<void>;
  /** Errors raised before the store's handler (rate limit, ...), in OSS's XML shape. */
  replyFrameworkError(res: Response, error: FrameworkError): void;
}

export interface ObjectStoreOptions extends UploadCredentialSettings {
  /** Key the credentials are derived from (the gateway's URL-signing key). */
  signingKey: Buffer;
  maxBytes: number;
}

const FRAMEWORK_ERRORS: Record<FrameworkError, [OssErrorKind, string]> = {
  'bad-request': [E.invalidArgument, 'The request is malformed.'],
  'too-large': [E.entityTooLarge, 'Your proposed upload exceeds the maximum allowed size.'],
  'rate-limited': [E.tooManyRequests, 'Please reduce your request rate.'],
  'not-found': [E.noSuchKey, 'The specified key does not exist.'],
  'method-not-allowed': [E.methodNotAllowed, 'The specified method is not allowed against this resource.'],
  internal: [E.internalError, 'We encountered an internal error. Please try again.'],
};

export function createObjectStore(options: ObjectStoreOptions, deps: { photos: PhotosPort; logger: Logger }): ObjectStore {
  const sts = new StsAuthority(options.signingKey);
  return {
    port: uploadCredentials(sts, options),
    claims: (req) => claimsRequest(req, options.bucket),
    handle: objectRoutes({ sts, photos: deps.photos, settings: { bucket: options.bucket, maxBytes: options.maxBytes }, logger: deps.logger }),
    replyFrameworkError: (res, error) => replyOssError(res, new OssError(...FRAMEWORK_ERRORS[error]), options.bucket),
  };
}
