import path from 'node:path';
import { Router } from 'express';
import { FrameworkError, PartnerContract } from '../contract';
import { replyUserValidate, USER_VALIDATE_RESULT as R } from './envelope';
import { userValidatePhotoRoutes } from './photo-routes';
import { userValidateInfoRoutes } from './routes';

const FRAMEWORK_RESULT = {
  'bad-request': R.badRequest,
  'too-large': R.badRequest,
  'not-found': R.badRequest,
  'method-not-allowed': R.badRequest,
  'rate-limited': R.internal,
  internal: R.internal,
};
const FRAMEWORK_HTTP_STATUS: Partial<Record<FrameworkError, number>> = { 'rate-limited': 429, 'method-not-allowed': 405 };

/** Seed 002: ID photos and identity info for manual review, authorized by a user_sid. */
export const userValidateContract: PartnerContract = {
  name: 'user-validate',
  seed: '002',
  pathPrefixes: ['/user/validate'],
  // Authorized by user_sid, which only partners with the feature can mint (platform contract).
  feature: '',
  router: (ctx) => Router().use(userValidateInfoRoutes(ctx), userValidatePhotoRoutes(ctx)),
  // Envelope answers keep HTTP 200 as the contract does; a rate-limited caller also gets HTTP 429,
  // and a method the endpoint does not serve HTTP 405.
  replyFrameworkError: (res, error) => replyUserValidate(res, FRAMEWORK_RESULT[error], {}, FRAMEWORK_HTTP_STATUS[error] ?? 200),
  openapiFragment: path.join(__dirname, 'openapi.yaml'),
};
