/**
 * Calls to an Alibaba Cloud RPC-style API (cloudauth, dysmsapi) through a ProviderClient:
 *
 *   POST {url}/        Content-Type: application/x-www-form-urlencoded
 *   body: Action, Version, Format=JSON, AccessKeyId, SignatureMethod=HMAC-SHA1,
 *         SignatureVersion=1.0, SignatureNonce, Timestamp (UTC, ISO 8601 without
 *         milliseconds), the action's own parameters, and Signature
 *   answer: JSON {RequestId, Code, Message, ...}; errors (bad signature, throttling) come as 4xx
 *   with the same shape, the provider's own failures as 5xx.
 *
 * Every parameter travels in the body, never in the URL, so personal data cannot end up in an
 * access log on the way. A fresh nonce and timestamp are signed for every attempt (Alibaba
 * refuses a nonce it has seen). The answer's Message is never copied into errors or logs: for a
 * bad signature Alibaba echoes the whole string it signed, parameters included.
 */
import { randomUUID } from 'node:crypto';
import { KycError } from '@kyc/core';
import { RpcParams, signRpcParams } from './alibaba-rpc-signature';
import { ProviderClient, ProviderClientOptions } from './provider-client';

export interface AlibabaCredentials {
  accessKeyId: string;
  accessKeySecret: string;
}

export interface AlibabaRpcOptions extends ProviderClientOptions, AlibabaCredentials {
  /** The API's endpoint, e.g. https://cloudauth.aliyuncs.com */
  url: string;
  /** The API version, e.g. 2019-03-07. */
  version: string;
}

/** An answer below HTTP 500 (5xx ones are the provider's failures, reported as such). */
export interface RpcAnswer {
  status: number;
  body: { RequestId?: string; Code?: string; Message?: string } & Record<string, unknown>;
}

export interface RpcCall<T> {
  action: string;
  params: RpcParams;
  idempotent: boolean;
  interpret(answer: RpcAnswer): T;
  outcome?(value: T): string;
}

export class AlibabaRpcClient {
  /** The ProviderClient under the calls: its error helpers serve the callers' interpret too. */
  readonly client: ProviderClient;

  constructor(private readonly opts: AlibabaRpcOptions) {
    const { name, errors, timeoutMs, retries, retryBaseMs, breaker, logger, onResult } = opts;
    this.client = new ProviderClient({ name, errors, timeoutMs, retries, retryBaseMs, breaker, logger, onResult });
  }

  call<T>(call: RpcCall<T>): Promise<T> {
    const { client } = this;
    return client.call({
      operation: call.action,
      idempotent: call.idempotent,
      outcome: call.outcome,
      request: () => ({
        url: `${this.opts.url.replace(/\/+$/, '')}/`,
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8', accept: 'application/json' },
        body: new URLSearchParams(signRpcParams(this.commonParams(call.action, call.params), 'POST', this.opts.accessKeySecret)),
      }),
      interpret: (answer) => {
        if (answer.status >= 500) throw client.unavailable(`${call.action}: HTTP ${answer.status} ${describe(parsedOrEmpty(answer.text))}`);
        const body = client.json<RpcAnswer['body']>(answer);
        if (typeof body !== 'object' || body === null) throw client.badAnswer(`${call.action}: answer is not a JSON object`);
        return call.interpret({ status: answer.status, body });
      },
    });
  }

  /** The provider did not do what was asked and the answer is not one the caller handles itself. */
  refused(action: string, answer: RpcAnswer): KycError {
    return this.client.refused(`${action}: HTTP ${answer.status} ${describe(answer.body)}`);
  }

  shutdown(): void {
    this.client.shutdown();
  }

  private commonParams(action: string, params: RpcParams): RpcParams {
    return {
      ...params,
      Action: action,
      Version: this.opts.version,
      Format: 'JSON',
      AccessKeyId: this.opts.accessKeyId,
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: randomUUID(),
      Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
  }
}

/** Code and RequestId only (see the header on Message). */
const describe = (body: RpcAnswer['body']): string => `Code ${String(body.Code ?? '-')} (RequestId ${String(body.RequestId ?? '-')})`;

/** A 5xx body may be anything (a proxy's HTML page). */
function parsedOrEmpty(text: string): RpcAnswer['body'] {
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null ? (body as RpcAnswer['body']) : {};
  } catch {
    return {};
  }
}
