import { percentEncode, rpcSignature, signRpcParams, verifyRpcSignature } from './alibaba-rpc-signature';

/** The worked example of Alibaba Cloud's signature documentation (DescribeRegions, secret "testsecret"). */
const DOCUMENTED = {
  params: {
    TimeStamp: '2016-02-23T12:46:24Z',
    Format: 'XML',
    AccessKeyId: 'testid',
    Action: 'DescribeRegions',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
    Version: '2014-05-26',
    SignatureVersion: '1.0',
  },
  signature: 'CT9X0VtwR86fNWSnsc6v8YGOjuE=',
};

describe('Alibaba Cloud RPC signature', () => {
  it('when signing the documented example, then the signature is the documented one', () => {
    expect(rpcSignature(DOCUMENTED.params, 'GET', 'testsecret')).toBe(DOCUMENTED.signature);
  });

  it('when values carry characters encodeURIComponent leaves alone, then they are percent-encoded as RFC 3986 wants', () => {
    expect(percentEncode("张三 (x)*!'~")).toBe('%E5%BC%A0%E4%B8%89%20%28x%29%2A%21%27~');
  });

  it('when a signed request is checked with the same secret, then it verifies; with another secret or a changed parameter, it does not', () => {
    const signed = signRpcParams({ Action: 'SendSms', PhoneNumbers: '13800138000' }, 'POST', 'secret');
    expect(verifyRpcSignature(signed, 'POST', 'secret')).toBe(true);
    expect(verifyRpcSignature(signed, 'POST', 'other')).toBe(false);
    expect(verifyRpcSignature({ ...signed, PhoneNumbers: '13800138001' }, 'POST', 'secret')).toBe(false);
    expect(verifyRpcSignature({ ...signed, Signature: '' }, 'POST', 'secret')).toBe(false);
  });
});
