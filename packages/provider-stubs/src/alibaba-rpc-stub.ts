/**
 * The front door every Alibaba Cloud RPC-style API shares, as a stub: parameters from the query
 * string and the form body, the common parameters checked, the signature verified with
 * @kyc/provider-kit's implementation against the stub's own credentials, nonces refused when seen
 * twice, timestamps refused outside 15 minutes, then the action's handler. Failures answer as
 * Alibaba does: 4xx with {RequestId, Code, Message}. For a bad signature Alibaba echoes the string
 * it signed, parameters included, so the stub does too (adapters must never log that Message).
 */
import { randomUUID } from 'node:crypto';
import { RpcParams, verifyRpcSignature } from '@kyc/provider-kit';
import { HANG, StubReply, StubServer, startStubServer } from './stub-server';

export interface RpcStubCredentials {
  accessKeyId: string;
  accessKeySecret: string;
}

export interface RpcStubCall {
  action: string;
  params: RpcParams;
}

export type RpcHandler = (params: RpcParams) => StubReply | typeof HANG;

export interface AlibabaRpcStub extends StubServer {
  /** Calls that passed the front door (signature, nonce, timestamp), in order. */
  accepted(): RpcStubCall[];
  /** Requests refused at the front door, by Alibaba error code. */
  refusals(): string[];
}

/** Fresh credentials for one stub: an adapter configured with others is refused. */
export const randomCredentials = (): RpcStubCredentials => ({ accessKeyId: `LTAIstub${randomUUID().slice(0, 8)}`, accessKeySecret: randomUUID() });

const COMMON = ['Action', 'Version', 'Format', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'Signature'];
const MAX_SKEW_MS = 15 * 60_000;

export async function startAlibabaRpcStub(opts: {
  version: string;
  credentials: RpcStubCredentials;
  actions: Record<string, RpcHandler>;
}): Promise<AlibabaRpcStub> {
  const accepted: RpcStubCall[] = [];
  const refusals: string[] = [];
  const nonces = new Set<string>();
  const fail = (status: number, code: string, message: string): StubReply => {
    refusals.push(code);
    return { status, body: { RequestId: randomUUID(), Code: code, Message: message } };
  };

  const server = await startStubServer((req) => {
    const [, query = ''] = req.path.split('?');
    const params: RpcParams = {
      ...Object.fromEntries(new URLSearchParams(query)),
      ...Object.fromEntries(new URLSearchParams(req.body)),
    };
    const missing = COMMON.find((k) => !params[k]);
    if (missing) return fail(400, 'MissingParameter', `The input parameter "${missing}" that is mandatory for processing this request is not supplied.`);
    if (params.AccessKeyId !== opts.credentials.accessKeyId) return fail(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0') return fail(400, 'InvalidParameter', 'Unsupported signature method or version.');
    if (!verifyRpcSignature(params, req.method, opts.credentials.accessKeySecret)) {
      const signed = Object.keys(params)
        .filter((k) => k !== 'Signature')
        .sort()
        .map((k) => `${k}=${params[k]}`)
        .join('&');
      return fail(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${req.method}&/&${signed}`);
    }
    if (nonces.has(params.SignatureNonce)) return fail(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    nonces.add(params.SignatureNonce);
    const at = Date.parse(params.Timestamp);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(params.Timestamp) || Math.abs(Date.now() - at) > MAX_SKEW_MS) {
      return fail(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
    }
    if (params.Version !== opts.version) return fail(400, 'InvalidVersion', 'Specified parameter Version is not valid.');
    if (params.Format !== 'JSON') return fail(400, 'InvalidParameter', 'This stub answers JSON only.');
    const handler = opts.actions[params.Action];
    if (!handler) return fail(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
    accepted.push({ action: params.Action, params });
    const reply = handler(params);
    if (reply === HANG) return HANG;
    return { status: reply.status, body: { RequestId: randomUUID(), ...(reply.body as object) } };
  });
  return { ...server, accepted: () => [...accepted], refusals: () => [...refusals] };
}
