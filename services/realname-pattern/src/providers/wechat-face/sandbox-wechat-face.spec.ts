import { failureOf } from '@kyc/provider-stubs';
import { SANDBOX_WECHAT_FACE, SandboxWechatFace, sandboxVerifyResult } from './sandbox-wechat-face';
import { judgeWechatFace } from './wechat-face-verdict';

const sandbox = new SandboxWechatFace({ timeoutMs: 5 });
const ZHANG_SAN = { identityNo: '11010519491231002X', realName: '张三' };
const LI_SI = { identityNo: '110101199003074231', realName: '李四' };
const judge = async (verifyResult: string, claim = ZHANG_SAN) => judgeWechatFace(await sandbox.result(verifyResult), claim, { now: new Date(), maxAgeMs: 600_000 });

describe('sandbox WeChat face', () => {
  it('when the verify result is a pass for the identity submitted, then judged it proves that identity, under a reference that reveals nothing', async () => {
    const value = sandboxVerifyResult('pass', ZHANG_SAN);
    expect(await judge(value)).toEqual({ proven: true });
    expect((await sandbox.result(value)).providerReference).toMatch(/^wxface-[0-9a-f]{32}$/);
  });

  it.each([
    ['a pass made for another identity', sandboxVerifyResult('pass', LI_SI), 'id-number-mismatch'],
    ['a fail', sandboxVerifyResult('fail', ZHANG_SAN), 'not-passed'],
    ['a pass a day old', sandboxVerifyResult('stale', ZHANG_SAN), 'stale'],
  ])('when the verify result is %s, then judged it proves nothing (%s)', async (_what, value, reason) => {
    expect(await judge(value)).toEqual({ proven: false, reason });
  });

  it.each([
    [SANDBOX_WECHAT_FACE.down, 'KYC.WECHAT_FACE.UNAVAILABLE', true],
    [SANDBOX_WECHAT_FACE.hang, 'KYC.WECHAT_FACE.TIMEOUT', true],
    ['anything-else', 'KYC.WECHAT_FACE.BAD_VERIFY_RESULT', false],
  ])('when the verify result is %s, then the query fails with %s', async (value, code, retriable) => {
    expect(await failureOf(sandbox.result(value))).toMatchObject({ code, retriable });
  });
});
