import { failedPrecondition, invalidArgument, KycError, unavailable } from '@kyc/core';
import { providerErrorData, ucenterErrorOf, ucenterResultOf } from './errors';

describe('seed 003 error answers', () => {
  it('when an e-card system, WeChat or UnionPay cannot answer, then 503 names the provider and data.reason carries the stable code', () => {
    for (const code of ['KYC.ECARD.TIMEOUT', 'KYC.WECHAT_FACE.BREAKER_OPEN', 'KYC.UNIONPAY_FACE.UNAVAILABLE']) {
      const err = unavailable(code, 'down');
      expect(ucenterErrorOf(err)[0]).toBe(503);
      expect(providerErrorData(err)).toEqual({ reason: code });
    }
    expect(ucenterErrorOf(unavailable('KYC.ECARD.TIMEOUT', 'x'))[1]).toBe('学校一卡通系统暂不可用，请稍后重试');
  });

  it('when an internal service is unavailable, then 503 without a provider reason', () => {
    const err = unavailable('KYC.GRPC.BREAKER_OPEN', 'realname-pattern');
    expect(ucenterErrorOf(err)).toEqual([503, '服务暂不可用，请稍后重试']);
    expect(providerErrorData(err)).toEqual({});
  });

  it('when a WeChat verify result is replayed or unknown, then the answer says so', () => {
    expect(ucenterErrorOf(failedPrecondition('KYC.VERIFICATION.PROVIDER_REFERENCE_USED', 'used'))[0]).toBe(422);
    expect(ucenterErrorOf(invalidArgument('KYC.WECHAT_FACE.BAD_VERIFY_RESULT', 'unknown'))).toEqual([400, 'data.verifyResult 无效']);
    expect(ucenterErrorOf(invalidArgument('KYC.ECARD.PASSWORD_REQUIRED', 'at an e-card school'))).toEqual([400, 'data.password 必填']);
  });

  it("when a provider refused the person's proof, then 422 with the seed-language reason; a school without e-card stays 501", () => {
    expect(ucenterResultOf('ECARD.WRONG_PASSWORD')).toEqual([422, '一卡通密码错误']);
    expect(ucenterResultOf('WECHAT_FACE.ID_MISMATCH')[0]).toBe(422);
    expect(ucenterResultOf('UNIONPAY_FACE.FAILED')[0]).toBe(422);
    expect(ucenterResultOf('ECARD.NOT_AVAILABLE')[0]).toBe(501);
  });

  it('when codes are asked for too often or the number is not a mobile, then 429 or 400; a wrong or expired code is 422', () => {
    const limited = new KycError('KYC.MOBILE_CODE.RATE_LIMITED', 'too often', { kind: 'resource_exhausted' });
    expect(ucenterErrorOf(limited)).toEqual([429, '验证码发送过于频繁，请稍后再试']);
    expect(ucenterErrorOf(invalidArgument('KYC.MOBILE_CODE.INVALID_MOBILE', 'x'))[0]).toBe(400);
    expect(ucenterResultOf('MOBILE.WRONG_CODE')).toEqual([422, '验证码错误']);
    expect(ucenterResultOf('MOBILE.CODE_EXPIRED')[0]).toBe(422);
  });
});
