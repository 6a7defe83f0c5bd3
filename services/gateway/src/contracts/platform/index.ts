import path from 'node:path';
import { Router } from 'express';
import { appTokenRoutes } from './app-token-routes';
import { FrameworkError, PartnerContract } from '../contract';
import { replyPlatform } from './envelope';
import { redactionRoutes } from './redaction-routes';
import { platformSessionRoutes } from './routes';

export const PLATFORM_FRAMEWORK_ERRORS: Record<FrameworkError, [number, string]> = {
  'bad-request': [400, '请求有误'],
  'too-large': [400, '请求有误'],
  'rate-limited': [429, '请求过于频繁'],
  'not-found': [404, 'not found'],
  'method-not-allowed': [405, '请求方法不允许'],
  internal: [500, '未知错误'],
};

/**
 * Partner-signed platform endpoints (seed 000 signing): user sessions for session-based contracts,
 * app tokens for seed 003, and redaction of a user's personal data.
 */
export const platformContract: PartnerContract = {
  name: 'platform',
  seed: '000',
  pathPrefixes: ['/api/platform/session', '/api/platform/app-token', '/api/platform/redaction'],
  feature: 'user-validate',
  router: (ctx) => Router().use(platformSessionRoutes(ctx), appTokenRoutes(ctx), redactionRoutes(ctx)),
  replyFrameworkError: (res, error) => replyPlatform(res, PLATFORM_FRAMEWORK_ERRORS[error][0], null, PLATFORM_FRAMEWORK_ERRORS[error][1]),
  openapiFragment: path.join(__dirname, 'openapi.yaml'),
};
