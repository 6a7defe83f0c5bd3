import { failureOf } from '@kyc/provider-stubs';
import { SandboxUnionpayFace } from './sandbox-unionpay-face';

const sandbox = new SandboxUnionpayFace({ timeoutMs: 5 });
/** 17 digits with the given sequence code; the sandbox ignores the check character. */
const verify = (seq: string) =>
  sandbox.verify({
    token: 't', sign: 's', ts: 1725170000000, action: 'faceAuth', txnTime: '20240901080000', txnSrc: 'APP', orgCode: 'ORG001', orgSeq: `seq${seq}`,
    comUserId: 'COM001', authCode: 'A01', sceneCode: 'S01', protocoVerison: '1.0', authSeq: 'auth1', name: '孙八', certType: '01',
    certCode: `11010119900307${seq}X`, faceImage: 'ZmFjZQ==',
  });

describe('sandbox UnionPay face', () => {
  it.each([
    ['123', 'passed', '00'],
    ['959', 'passed', '00'],
    ['960', 'failed', '01'],
    ['964', 'failed', '01'],
    ['969', 'passed', '00'],
  ])('when the sequence code is %s, then the verification %s (compareResult %s) under a reference that reveals nobody', async (seq, outcome, resultCode) => {
    const answer = await verify(seq);
    expect(answer).toEqual({ outcome, resultCode, providerReference: expect.stringMatching(/^sandbox-[0-9a-f]{16}$/) });
  });

  it.each([
    ['965', 'KYC.UNIONPAY_FACE.REFUSED'],
    ['967', 'KYC.UNIONPAY_FACE.UNAVAILABLE'],
    ['968', 'KYC.UNIONPAY_FACE.TIMEOUT'],
  ])('when the sequence code is %s, then the verification fails with the retriable %s', async (seq, code) => {
    expect(await failureOf(verify(seq))).toMatchObject({ code, retriable: true });
  });
});
