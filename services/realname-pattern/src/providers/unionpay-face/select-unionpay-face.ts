import { Logger } from '@kyc/core';
import { ProviderConfigValues, providerClientSettings } from '@kyc/provider-kit';
import { HttpUnionpayFace, HttpUnionpayFaceOptions, UnionpaySettings } from './http-unionpay-face';
import { SandboxUnionpayFace } from './sandbox-unionpay-face';
import { UnionpayFace } from './unionpay-face';

export interface UnionpayFaceConfig extends ProviderConfigValues, UnionpaySettings {}

/**
 * The adapter UNIONPAY_FACE_MODE names. Unlike every other provider, its configuration defaults
 * to `sandbox`: the HTTP exchange is a model of a flow UnionPay has not confirmed (seed 003), so
 * production must opt in to it knowingly rather than land on it by default.
 */
export function selectUnionpayFace(config: UnionpayFaceConfig, logger: Logger, onResult?: HttpUnionpayFaceOptions['onResult']): UnionpayFace & { shutdown?(): void } {
  if (config.mode === 'sandbox') {
    logger.warn('UnionPay face: sandbox (deterministic test identities; the real flow is not confirmed with UnionPay yet)');
    return new SandboxUnionpayFace({ timeoutMs: config.timeoutMs });
  }
  logger.warn('UnionPay face: http, a model of an exchange UnionPay has not confirmed');
  return new HttpUnionpayFace({ ...config, ...providerClientSettings(config), logger, onResult });
}
