import path from 'node:path';
import { FrameworkError, PartnerContract } from '../contract';
import { replyMember } from './envelope';
import { MEMBER_VERIFY_FEATURE, memberStatusRoutes } from './routes';

const FRAMEWORK_ERRORS: Record<FrameworkError, [number, string]> = {
  'bad-request': [400, '请求有误'],
  'too-large': [400, '请求有误'],
  'rate-limited': [429, '请求过于频繁'],
  'not-found': [404, 'not found'],
  'method-not-allowed': [405, '请求方法不允许'],
  internal: [500, '未知错误'],
};

/** Seed 000: member verification (two/three-element authority check), its status and notification. */
export const memberStatusContract: PartnerContract = {
  name: 'member-status',
  seed: '000',
  pathPrefixes: ['/api/platform/member'],
  feature: MEMBER_VERIFY_FEATURE,
  router: memberStatusRoutes,
  replyFrameworkError: (res, error) => replyMember(res, FRAMEWORK_ERRORS[error][0], null, FRAMEWORK_ERRORS[error][1]),
  openapiFragment: path.join(__dirname, 'openapi.yaml'),
};
