/**
 * A local Alibaba Cloud real-person verification (cloudauth 2019-03-07, 金融级实人认证) speaking
 * the RPC wire format realname-pattern's liveness adapter implements:
 *
 *   InitFaceVerify     SceneId, OuterOrderNo (≤ 32 letters/digits), ProductCode, CertType,
 *                      CertName, CertNo[, MetaInfo]
 *                      -> {Code:"200", ResultObject:{CertifyId, CertifyUrl}}
 *   DescribeFaceVerify SceneId, CertifyId
 *                      -> {Code:"200", ResultObject:{Passed:"T"|"F", SubCode, MaterialInfo, ...}},
 *                         or a ResultObject without a verdict while the person has not finished
 *
 * Business errors answer HTTP 200 with another Code, as cloudauth does. Requests are signed and
 * checked (see alibaba-rpc-stub). Tests set, per ID number, what init and the result answer.
 */
import { randomUUID } from 'node:crypto';
import { RpcParams } from '@kyc/provider-kit';
import { AlibabaRpcStub, RpcStubCredentials, randomCredentials, startAlibabaRpcStub } from './alibaba-rpc-stub';
import { HANG, Plans, StubReply } from './stub-server';

export type LivenessInitBehaviour = 'ok' | typeof HANG | { status: number } | { code: string };
/** pass, fail with a SubCode, pending (not finished yet), hang, or an HTTP status. */
export type LivenessResultBehaviour = 'pass' | { fail: string } | 'pending' | typeof HANG | { status: number };

export interface LivenessStubCall {
  action: string;
  idNumber: string;
  params: RpcParams;
}

export interface LivenessStub {
  url: string;
  credentials: RpcStubCredentials;
  setInit(idNumber: string, ...behaviours: LivenessInitBehaviour[]): void;
  /** What DescribeFaceVerify answers for certifications of this ID number, in turn. */
  setResult(idNumber: string, ...behaviours: LivenessResultBehaviour[]): void;
  setDefaultResult(behaviour: LivenessResultBehaviour): void;
  /** Signed calls that reached the API, for one ID number or all. */
  calls(idNumber?: string): LivenessStubCall[];
  /** Requests refused before the API (bad signature, reused nonce, ...), by Alibaba error code. */
  refusals(): string[];
  close(): Promise<void>;
}

const REQUIRED_AT_INIT = ['SceneId', 'OuterOrderNo', 'ProductCode', 'CertType', 'CertName', 'CertNo'];
const MATERIAL = JSON.stringify({ faceAttack: 'F', facialPictureFront: { pictureUrl: 'https://stub.invalid/face.jpg', verifyScore: 98.5 } });

export async function startLivenessStub(credentials: RpcStubCredentials = randomCredentials()): Promise<LivenessStub> {
  const inits = new Plans<LivenessInitBehaviour>('ok');
  const results = new Plans<LivenessResultBehaviour>('pass');
  const certifications = new Map<string, { idNumber: string; sceneId: string }>();
  const seen: LivenessStubCall[] = [];
  const answer = (body: object): StubReply => ({ status: 200, body: { Message: 'success', ...body } });

  const stub: AlibabaRpcStub = await startAlibabaRpcStub({
    version: '2019-03-07',
    credentials,
    actions: {
      InitFaceVerify: (p) => {
        seen.push({ action: 'InitFaceVerify', idNumber: p.CertNo ?? '', params: p });
        const missing = REQUIRED_AT_INIT.find((k) => !p[k]);
        if (missing) return answer({ Code: '400', Message: `参数不能为空: ${missing}` });
        if (!/^[A-Za-z0-9]{1,32}$/.test(p.OuterOrderNo)) return answer({ Code: '400', Message: '参数非法: OuterOrderNo' });
        const behaviour = inits.next(p.CertNo);
        if (behaviour === HANG) return HANG;
        if (typeof behaviour === 'object') {
          return 'status' in behaviour ? { status: behaviour.status, body: { Code: 'InternalError' } } : answer({ Code: behaviour.code, Message: 'stub refusal' });
        }
        const certifyId = randomUUID().replace(/-/g, '');
        certifications.set(certifyId, { idNumber: p.CertNo, sceneId: p.SceneId });
        return answer({ Code: '200', ResultObject: { CertifyId: certifyId, CertifyUrl: `https://stub.invalid/certify/${certifyId}` } });
      },
      DescribeFaceVerify: (p) => {
        const certification = certifications.get(p.CertifyId ?? '');
        seen.push({ action: 'DescribeFaceVerify', idNumber: certification?.idNumber ?? '', params: p });
        if (!certification || certification.sceneId !== p.SceneId) return answer({ Code: '400', Message: '参数非法: CertifyId' });
        const behaviour = results.next(certification.idNumber);
        if (behaviour === HANG) return HANG;
        if (behaviour === 'pending') return answer({ Code: '200', ResultObject: {} });
        if (behaviour === 'pass') return answer({ Code: '200', ResultObject: { Passed: 'T', SubCode: '200', MaterialInfo: MATERIAL, DeviceToken: 'stub' } });
        if ('fail' in behaviour) return answer({ Code: '200', ResultObject: { Passed: 'F', SubCode: behaviour.fail, MaterialInfo: MATERIAL } });
        return { status: behaviour.status, body: { Code: 'InternalError', Message: 'stub failure' } };
      },
    },
  });
  return {
    url: stub.url,
    credentials,
    setInit: (idNumber, ...b) => inits.set(idNumber, ...b),
    setResult: (idNumber, ...b) => results.set(idNumber, ...b),
    setDefaultResult: (b) => results.setDefault(b),
    calls: (idNumber) => (idNumber === undefined ? [...seen] : seen.filter((c) => c.idNumber === idNumber)),
    refusals: stub.refusals,
    close: stub.close,
  };
}
