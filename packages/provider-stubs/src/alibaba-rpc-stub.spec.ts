import { signRpcParams } from '@kyc/provider-kit';
import { AlibabaRpcStub, randomCredentials, startAlibabaRpcStub } from './alibaba-rpc-stub';

const credentials = randomCredentials();
let stub: AlibabaRpcStub;
beforeAll(async () => {
  stub = await startAlibabaRpcStub({ version: '2017-05-25', credentials, actions: { Ping: () => ({ status: 200, body: { Code: 'OK' } }) } });
});
afterAll(() => stub.close());

let nonce = 0;
const common = (over: Record<string, string> = {}) => ({
  Action: 'Ping',
  Version: '2017-05-25',
  Format: 'JSON',
  AccessKeyId: credentials.accessKeyId,
  SignatureMethod: 'HMAC-SHA1',
  SignatureVersion: '1.0',
  SignatureNonce: `nonce-${++nonce}`,
  Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  ...over,
});
async function post(params: Record<string, string>) {
  const res = await fetch(`${stub.url}/`, { method: 'POST', body: new URLSearchParams(signRpcParams(params, 'POST', credentials.accessKeySecret)) });
  return { status: res.status, body: (await res.json()) as { Code: string; RequestId: string } };
}

describe('Alibaba RPC stub front door', () => {
  it('when a request is signed with the stub\'s secret, then the action answers, with a RequestId', async () => {
    expect(await post(common())).toEqual({ status: 200, body: { Code: 'OK', RequestId: expect.any(String) } });
    expect(stub.accepted().map((c) => c.action)).toEqual(['Ping']);
  });

  it('when a nonce comes twice, then the second request is refused with SignatureNonceUsed', async () => {
    const params = common();
    await post(params);
    expect(await post(params)).toMatchObject({ status: 400, body: { Code: 'SignatureNonceUsed' } });
  });

  it.each([
    ['a timestamp 20 minutes old', { Timestamp: new Date(Date.now() - 20 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z') }, 400, 'InvalidTimeStamp.Expired'],
    ['another access key', { AccessKeyId: 'LTAIsomebodyelse' }, 404, 'InvalidAccessKeyId.NotFound'],
    ['another API version', { Version: '2019-03-07' }, 400, 'InvalidVersion'],
    ['an unknown action', { Action: 'Pong' }, 404, 'InvalidAction.NotFound'],
  ])('when a request carries %s, then it is refused as Alibaba would', async (_what, over, status, code) => {
    expect(await post(common(over))).toMatchObject({ status, body: { Code: code } });
  });
});
