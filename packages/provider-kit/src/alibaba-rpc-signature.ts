/**
 * Alibaba Cloud's RPC-style request signature (SignatureVersion 1.0, HMAC-SHA1), shared by every
 * Alibaba API the platform calls (cloudauth, dysmsapi) and by the local stubs that check it:
 *
 *   canonical  = every parameter but Signature, sorted by name, each name and value
 *                percent-encoded (RFC 3986: only A-Z a-z 0-9 - _ . ~ stay as they are), k=v joined by &
 *   toSign     = METHOD & percentEncode("/") & percentEncode(canonical)
 *   Signature  = base64(HMAC-SHA1(key = AccessKeySecret + "&", toSign))
 *
 * Written on node:crypto: Alibaba's own helper (@alicloud/openapi-util) is the same dozen lines
 * behind a tree of 28 packages (an HTTP client, proxy agents, XML and timezone libraries) that
 * the platform would never use. The test checks the example of Alibaba's documentation.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type RpcParams = Record<string, string>;

/** encodeURIComponent leaves ! ' ( ) * unencoded; the signature wants them encoded. */
export const percentEncode = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function rpcSignature(params: RpcParams, method: string, accessKeySecret: string): string {
  const canonical = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k])}`)
    .join('&');
  const toSign = `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonical)}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(toSign, 'utf8').digest('base64');
}

/** The parameters with their Signature added. */
export const signRpcParams = (params: RpcParams, method: string, accessKeySecret: string): RpcParams => ({
  ...params,
  Signature: rpcSignature(params, method, accessKeySecret),
});

/** Whether params.Signature is the signature of the other parameters (constant time). */
export function verifyRpcSignature(params: RpcParams, method: string, accessKeySecret: string): boolean {
  const given = Buffer.from(params.Signature ?? '', 'utf8');
  const expected = Buffer.from(rpcSignature(params, method, accessKeySecret), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
