/**
 * A local UnionPay face verification speaking the exchange realname-pattern's UnionPay adapter
 * models (its http-unionpay-face.ts documents it; UnionPay has not confirmed it yet):
 *
 *   POST /face/verify  {"appId", "nonceStr", "timestamp", "data": JSON string, "signature"}
 *        signature = hex SHA-256 of the sorted "k=v&…" of appId, data (its hex SHA-256), nonceStr,
 *        secret and timestamp
 *   -> {resp: "00", msg, params: {compareResult, txnSeq}}
 *   -> {resp, msg}   refused at the front door: "11" unknown appId, "12" bad signature,
 *                    "13" timestamp more than 5 minutes off, "14" nonce seen before,
 *                    "20" data is not JSON with every field (the stub's codes: UnionPay's are not published)
 *
 * Tests set, per ID number (certCode), whether the face passes, fails with a compareResult,
 * is refused with a resp, hangs or answers an HTTP status, and read what reached the API (the
 * face image as its length only).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { HANG, Plans, StubReply, startStubServer } from './stub-server';

export type UnionpayFaceBehaviour = 'pass' | { fail: string } | { resp: string } | typeof HANG | { status: number };

export interface UnionpayFaceStubCall {
  certCode: string;
  name: string;
  /** Every other field of data as received, faceImage replaced by its length. */
  fields: Record<string, unknown>;
}

export interface UnionpayFaceStub {
  url: string;
  credentials: { appId: string; appSecret: string };
  set(certCode: string, ...behaviours: UnionpayFaceBehaviour[]): void;
  calls(certCode?: string): UnionpayFaceStubCall[];
  /** Requests refused at the front door, by resp code. */
  refusals(): string[];
  close(): Promise<void>;
}

const REQUIRED = ['token', 'sign', 'ts', 'action', 'txnTime', 'txnSrc', 'orgCode', 'orgSeq', 'comUserId', 'authCode', 'sceneCode', 'protocoVerison', 'authSeq', 'name', 'certType', 'certCode', 'faceImage'];
const MAX_SKEW_S = 5 * 60;
const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export async function startUnionpayFaceStub(): Promise<UnionpayFaceStub> {
  const credentials = { appId: `upstub${randomBytes(5).toString('hex')}`, appSecret: randomBytes(16).toString('hex') };
  const plans = new Plans<UnionpayFaceBehaviour>('pass');
  const seen: UnionpayFaceStubCall[] = [];
  const refused: string[] = [];
  const nonces = new Set<string>();
  let served = 0;
  const refuse = (resp: string, msg: string): StubReply => {
    refused.push(resp);
    return { status: 200, body: { resp, msg } };
  };

  const server = await startStubServer((req) => {
    if (req.method !== 'POST' || req.path !== '/face/verify') return { status: 404, body: {} };
    let envelope: Record<string, unknown>;
    try {
      envelope = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      return refuse('20', '报文格式错误');
    }
    const { appId, nonceStr, timestamp, data, signature } = envelope;
    if (appId !== credentials.appId) return refuse('11', 'appId 不存在');
    if (typeof nonceStr !== 'string' || typeof timestamp !== 'string' || typeof data !== 'string' || typeof signature !== 'string') return refuse('20', '报文格式错误');
    const toSign = `appId=${appId}&data=${sha256Hex(data)}&nonceStr=${nonceStr}&secret=${credentials.appSecret}&timestamp=${timestamp}`;
    const expected = Buffer.from(sha256Hex(toSign), 'hex');
    if (!/^[0-9a-f]{64}$/.test(signature) || !timingSafeEqual(Buffer.from(signature, 'hex'), expected)) return refuse('12', '签名错误');
    if (!/^\d{10}$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > MAX_SKEW_S) return refuse('13', '时间戳超限');
    if (nonces.has(nonceStr)) return refuse('14', '重复请求');
    nonces.add(nonceStr);
    let fields: Record<string, unknown>;
    try {
      fields = JSON.parse(data) as Record<string, unknown>;
    } catch {
      return refuse('20', '报文格式错误');
    }
    if (REQUIRED.some((k) => fields[k] === undefined || fields[k] === '')) return refuse('20', '缺少必填字段');
    const certCode = String(fields.certCode);
    seen.push({ certCode, name: String(fields.name), fields: { ...fields, faceImage: String(fields.faceImage).length } });

    const behaviour = plans.next(certCode);
    if (behaviour === HANG) return HANG;
    if (typeof behaviour === 'object' && 'status' in behaviour) return { status: behaviour.status, body: {} };
    if (typeof behaviour === 'object' && 'resp' in behaviour) return { status: 200, body: { resp: behaviour.resp, msg: 'stub refusal' } };
    const compareResult = behaviour === 'pass' ? '00' : behaviour.fail;
    return { status: 200, body: { resp: '00', msg: '成功', params: { compareResult, txnSeq: `up-stub-${++served}` } } };
  });

  return {
    url: server.url,
    credentials,
    set: (certCode, ...b) => plans.set(certCode, ...b),
    calls: (certCode) => (certCode === undefined ? [...seen] : seen.filter((c) => c.certCode === certCode)),
    refusals: () => [...refused],
    close: server.close,
  };
}
