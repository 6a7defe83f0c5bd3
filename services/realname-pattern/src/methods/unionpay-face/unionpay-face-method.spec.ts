import { IdentityRegistry } from '../../application/ports';
import { RosterDirectory } from '../../application/roster-directory';
import { SandboxUnionpayFace } from '../../providers/unionpay-face/sandbox-unionpay-face';
import { runMethod } from '../run-method.fake';
import { unionpayFaceMethod } from './unionpay-face-method';

const identities = (): IdentityRegistry => ({
  validateIdNumber: jest.fn(async () => ({ valid: true, reasonCode: '' })),
  recordVerifiedIdentity: jest.fn(async () => ({ conflict: false })),
});
const INPUT = {
  token: 't',
  sign: 's',
  ts: '1700000000000',
  action: 'verify',
  txn_time: '20261123150000',
  txn_src: 'app',
  org_code: 'ORG1',
  org_seq: 'SEQ1',
  com_user_id: 'U1',
  auth_code: 'A1',
  scene_code: 'S1',
  protoco_verison: '1.0',
  auth_seq: 'AS1',
  cert_type: '01',
  face_image: 'aGVsbG8=',
};
const claimWith = (seq: string) => ({ name: '张三', idNumber: `11010119900307${seq}1`, mobile: '' });

async function run(input: Record<string, string>, claim: { name: string; idNumber: string; mobile: string }) {
  const unionpayFace = new SandboxUnionpayFace({ timeoutMs: 10 });
  jest.spyOn(unionpayFace, 'verify');
  const ids = identities();
  const { begun, result } = await runMethod(unionpayFaceMethod({ roster: {} as RosterDirectory, identities: ids, unionpayFace }), input, claim);
  return { unionpayFace, ids, begun, result };
}

describe('unionpay-face (seed 003 UNIONPAY-FACE)', () => {
  it("when UnionPay says it is the same person, then the identity is recorded, with the seed's fields sent as given", async () => {
    const { unionpayFace, ids, begun, result } = await run(INPUT, claimWith('423'));
    expect(unionpayFace.verify).toHaveBeenCalledWith(
      expect.objectContaining({ txnTime: '20261123150000', protocoVerison: '1.0', comUserId: 'U1', ts: 1700000000000, name: '张三', certCode: '110101199003074231' }),
    );
    expect(result).toMatchObject({ outcome: { state: 'SUCCEEDED', providerReference: begun.providerReference } });
    expect(ids.recordVerifiedIdentity).toHaveBeenCalledWith(expect.objectContaining({ method: 'unionpay-face' }), 'c');
    expect(JSON.stringify(begun)).not.toContain(INPUT.face_image);
  });

  it('when UnionPay says it is not, then it fails with UNIONPAY_FACE.FAILED and records nothing', async () => {
    const { ids, result } = await run(INPUT, claimWith('960'));
    expect(result).toMatchObject({ outcome: { state: 'FAILED', resultCode: 'UNIONPAY_FACE.FAILED' } });
    expect(ids.recordVerifiedIdentity).not.toHaveBeenCalled();
  });

  it('when UnionPay is down, then the start fails with the retriable KYC.UNIONPAY_FACE.UNAVAILABLE', async () => {
    await expect(run(INPUT, claimWith('967'))).rejects.toMatchObject({ code: 'KYC.UNIONPAY_FACE.UNAVAILABLE', retriable: true });
  });

  it('when a field or the timestamp is missing, then nothing starts and the field is named', async () => {
    await expect(run({ ...INPUT, ts: '' }, claimWith('423'))).rejects.toMatchObject({ code: 'KYC.VERIFICATION.INVALID_INPUT' });
    const withoutSeq: Record<string, string> = { ...INPUT };
    delete withoutSeq.org_seq;
    await expect(run(withoutSeq, claimWith('423'))).rejects.toMatchObject({ code: 'KYC.UNIONPAY_FACE.BAD_INPUT', message: expect.stringContaining('orgSeq') });
  });
});
