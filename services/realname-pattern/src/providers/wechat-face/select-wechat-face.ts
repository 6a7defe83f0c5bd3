import { Logger } from '@kyc/core';
import { ProviderConfigValues, providerClientSettings } from '@kyc/provider-kit';
import { HttpWechatFace, HttpWechatFaceOptions, WechatApiSettings } from './http-wechat-face';
import { SandboxWechatFace } from './sandbox-wechat-face';
import { WechatFace } from './wechat-face';

export interface WechatFaceConfig extends ProviderConfigValues, WechatApiSettings {
  /** How old a face result may be and still prove anything (judgeWechatFace's window; WECHAT_FACE_MAX_AGE_MS). */
  maxAgeMs: number;
}

/** The adapter WECHAT_FACE_MODE names; `http` is the default so production never lands on the sandbox. */
export function selectWechatFace(config: WechatFaceConfig, logger: Logger, onResult?: HttpWechatFaceOptions['onResult']): WechatFace & { shutdown?(): void } {
  if (config.mode === 'sandbox') {
    logger.warn('WeChat face: sandbox (deterministic test results; not for production)');
    return new SandboxWechatFace({ timeoutMs: config.timeoutMs });
  }
  return new HttpWechatFace({ ...config, ...providerClientSettings(config), logger, onResult });
}
