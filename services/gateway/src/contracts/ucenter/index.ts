import path from 'node:path';
import { FrameworkError, PartnerContract } from '../contract';
import { replyUcenter } from './envelope';
import { CAMPUS_AUTH_FEATURE, RNAUTH, RNAUTH_BODY_LIMIT, UCENTER_PREFIX, ucenterRoutes } from './routes';

const FRAMEWORK_ERRORS: Record<FrameworkError, [number, string]> = {
  'bad-request': [400, '请求参数错误'],
  'too-large': [400, '请求参数错误'],
  'rate-limited': [429, '请求过于频繁'],
  'not-found': [404, 'not found'],
  'method-not-allowed': [405, '请求方法不允许'],
  internal: [500, '未知错误'],
};

/** Seed 003: a campus platform's real-name verification by pattern (rnauth) and its result by ticket. */
export const ucenterContract: PartnerContract = {
  name: 'ucenter',
  seed: '003',
  pathPrefixes: [UCENTER_PREFIX],
  feature: CAMPUS_AUTH_FEATURE,
  router: ucenterRoutes,
  replyFrameworkError: (res, error) => replyUcenter(res, FRAMEWORK_ERRORS[error][0], FRAMEWORK_ERRORS[error][1], {}),
  openapiFragment: path.join(__dirname, 'openapi.yaml'),
  largeJsonBodies: { [RNAUTH]: RNAUTH_BODY_LIMIT },
};
