import { IdentityRegistry } from '../../application/ports';
import { RosterDirectory } from '../../application/roster-directory';
import { SandboxWechatFace, sandboxVerifyResult } from '../../providers/wechat-face/sandbox-wechat-face';
import { runMethod } from '../run-method.fake';
import { wechatFaceMethod } from './wechat-face-method';

const PERSON = { name: '张三', idNumber: '11010119900307423X', mobile: '' };
const identities = (): IdentityRegistry => ({
  validateIdNumber: jest.fn(async () => ({ valid: true, reasonCode: '' })),
  recordVerifiedIdentity: jest.fn(async () => ({ conflict: false })),
});

function method(ids = identities()) {
  const wechatFace = new SandboxWechatFace({ timeoutMs: 10 });
  jest.spyOn(wechatFace, 'result');
  return { wechatFace, ids, method: wechatFaceMethod({ roster: {} as RosterDirectory, identities: ids, wechatFace, wechatFaceMaxAgeMs: 600_000 }) };
}

const run = (m: ReturnType<typeof method>['method'], input: Record<string, string>, claim = PERSON) => runMethod(m, input, claim);

const forPerson = (outcome: 'pass' | 'fail' | 'stale', who = { identityNo: PERSON.idNumber, realName: PERSON.name }) => sandboxVerifyResult(outcome, who);

describe('wechat-face (seed 003 WECHAT-FACE)', () => {
  it("when WeChat's result passed for this name and ID number, then the identity is recorded and the result's digest is the reference", async () => {
    const m = method();
    const verifyResult = forPerson('pass');
    const { begun, result } = await run(m.method, { verify_result: verifyResult, access_token: 'partner-token' });
    expect(m.wechatFace.result).toHaveBeenCalledWith(verifyResult, { accessToken: 'partner-token' });
    expect(begun.providerReference).toMatch(/^wxface-[0-9a-f]{32}$/);
    expect(result).toMatchObject({ outcome: { state: 'SUCCEEDED', providerReference: begun.providerReference } });
    expect(m.ids.recordVerifiedIdentity).toHaveBeenCalledWith(expect.objectContaining({ idNumber: PERSON.idNumber, method: 'wechat-face' }), 'c');
  });

  it.each([
    ['another ID number', forPerson('pass', { identityNo: '110101199003074231', realName: PERSON.name }), 'WECHAT_FACE.ID_MISMATCH'],
    ['another name', forPerson('pass', { identityNo: PERSON.idNumber, realName: '李四' }), 'WECHAT_FACE.NAME_MISMATCH'],
    ['a face that did not pass', forPerson('fail'), 'WECHAT_FACE.NOT_PASSED'],
    ['a day-old check', forPerson('stale'), 'WECHAT_FACE.STALE'],
  ])('when the result is for %s, then it fails with %s, keeps the reference (single use) and records nothing', async (_what, verifyResult, code) => {
    const m = method();
    const { begun, result } = await run(m.method, { verify_result: verifyResult });
    expect(result).toMatchObject({ outcome: { state: 'FAILED', resultCode: code } });
    expect(begun.providerReference).toMatch(/^wxface-/);
    expect(m.ids.recordVerifiedIdentity).not.toHaveBeenCalled();
  });

  it('when WeChat is down, then the start fails with the retriable KYC.WECHAT_FACE.UNAVAILABLE', async () => {
    await expect(run(method().method, { verify_result: 'sandbox.down' })).rejects.toMatchObject({ code: 'KYC.WECHAT_FACE.UNAVAILABLE', retriable: true });
  });

  it('when the verify result or the ID number is missing, then nothing starts', async () => {
    const m = method();
    await expect(run(m.method, {})).rejects.toMatchObject({ code: 'KYC.VERIFICATION.INVALID_INPUT' });
    expect(() => m.method.validateClaim({ name: '张三', idNumber: '', mobile: '' })).toThrow(expect.objectContaining({ code: 'KYC.VERIFICATION.CLAIM_INCOMPLETE' }));
    expect(m.wechatFace.result).not.toHaveBeenCalled();
  });
});
