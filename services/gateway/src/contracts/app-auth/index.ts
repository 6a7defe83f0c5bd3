import path from 'node:path';
import { Router } from 'express';
import { FrameworkError, PartnerContract } from '../contract';
import { APP_STATUS, AppStatus, replyApp } from './envelope';
import { appAuthRoutes } from './routes';

const FRAMEWORK_STATUS: Record<FrameworkError, AppStatus> = {
  'bad-request': APP_STATUS.badParameter,
  'too-large': APP_STATUS.badParameter,
  'rate-limited': APP_STATUS.rateLimited,
  'not-found': APP_STATUS.badParameter,
  'method-not-allowed': APP_STATUS.badParameter,
  internal: APP_STATUS.internal,
};

/**
 * Seed 001: an app's real-name flow on uid + token (a view of the partner-minted session): upload
 * credentials for the platform's OSS-compatible store, the four-step submission for manual
 * review, its echo, and liveness through the provider port.
 */
export const appAuthContract: PartnerContract = {
  name: 'app-auth',
  seed: '001',
  pathPrefixes: ['/user/getsts', '/user/authinfoNew', '/user/authnew', '/ali/'],
  // Authorized by uid + token, which only partners with the session feature can mint (platform contract).
  feature: '',
  router: (ctx) => Router().use(appAuthRoutes(ctx)),
  // A framework error happens before `local` is read: the default language answers.
  replyFrameworkError: (res, error) =>
    error === 'method-not-allowed'
      ? replyApp(res, FRAMEWORK_STATUS[error], 'zh-CN', null, 'method', 405)
      : replyApp(res, FRAMEWORK_STATUS[error], 'zh-CN', null, error === 'not-found' ? 'path' : 'body'),
  openapiFragment: path.join(__dirname, 'openapi.yaml'),
};
