/**
 * UnionPay face verification over HTTP, as modelled until UnionPay confirms the flow (seed 003:
 * "此接口及对接流程仍待与银联确认"). The request carries the seed's fields unchanged; the envelope
 * follows the backend calls of UnionPay's 云闪付 open platform (an appId, a nonce, a timestamp and
 * a SHA-256 signature over sorted key=value pairs that include the app secret; answers
 * {resp, msg, params}, resp "00" for a call served):
 *
 *   POST {UNIONPAY_FACE_URL}/face/verify
 *   Content-Type: application/json; charset=utf-8
 *   {"appId": UNIONPAY_FACE_APP_ID, "nonceStr": 32 hex, "timestamp": Unix seconds as a string,
 *    "data": the seed's seventeen fields as one JSON string,
 *    "signature": hex SHA-256("appId=…&data=<hex SHA-256 of data>&nonceStr=…&secret=…&timestamp=…")}
 *
 *   200 {"resp": "00", "msg": "...", "params": {"compareResult": "00", "txnSeq": "..."}}
 *        compareResult "00": the face is the ID holder's (passed); any other code: failed, kept as resultCode
 *   200 {"resp": other, "msg": "..."}   not served (signature, token, authorisation, parameters):
 *                                       REFUSED naming resp (msg is not copied: it may echo the request)
 *   5xx                                 UNAVAILABLE
 *
 * `data` travels as a string so its digest covers exactly the bytes sent. A verification spends
 * the app's token and authorisation and is billed, so it is not idempotent: only a refused
 * connection is retried. The face image, the name and the ID number appear in no log or error.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Logger } from '@kyc/core';
import { ProviderAnswer, ProviderClient, ProviderClientSettings, requireSettings } from '@kyc/provider-kit';
import { UNIONPAY_FACE_ERROR, UNIONPAY_FACE_FIELDS, UnionpayFace, UnionpayFaceAnswer, UnionpayFaceRequest, checkUnionpayFaceRequest } from './unionpay-face';

/** What the adapter needs besides the common provider settings. */
export interface UnionpaySettings {
  url: string;
  appId: string;
  appSecret: string;
}

export interface HttpUnionpayFaceOptions extends ProviderClientSettings, UnionpaySettings {
  logger: Logger;
  /** Every verification's outcome (for metrics): passed, failed, error, breaker-open. */
  onResult?(result: string, operation: string): void;
}

interface WireAnswer {
  resp?: unknown;
  params?: { compareResult?: unknown; txnSeq?: unknown };
}

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export class HttpUnionpayFace implements UnionpayFace {
  private readonly client: ProviderClient;

  constructor(private readonly opts: HttpUnionpayFaceOptions) {
    requireSettings(opts, { url: 'UNIONPAY_FACE_URL', appId: 'UNIONPAY_FACE_APP_ID', appSecret: 'UNIONPAY_FACE_APP_SECRET' }, 'UNIONPAY_FACE_MODE=http');
    const { timeoutMs, retries, retryBaseMs, breaker, logger, onResult } = opts;
    this.client = new ProviderClient({ timeoutMs, retries, retryBaseMs, breaker, logger, onResult, name: 'unionpay-face', errors: UNIONPAY_FACE_ERROR });
  }

  async verify(request: UnionpayFaceRequest): Promise<UnionpayFaceAnswer> {
    checkUnionpayFaceRequest(request);
    const data = JSON.stringify({ ...Object.fromEntries(UNIONPAY_FACE_FIELDS.map((f) => [f, request[f]])), ts: request.ts, faceImage: request.faceImage });
    return this.client.call({
      operation: 'verify',
      idempotent: false,
      request: () => ({
        url: `${this.opts.url.replace(/\/+$/, '')}/face/verify`,
        headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
        body: JSON.stringify(this.envelope(data)),
      }),
      interpret: (answer) => this.read(answer),
      outcome: (answer) => answer.outcome,
    });
  }

  shutdown(): void {
    this.client.shutdown();
  }

  private envelope(data: string): Record<string, string> {
    const signed = { appId: this.opts.appId, nonceStr: randomBytes(16).toString('hex'), timestamp: String(Math.floor(Date.now() / 1000)) };
    const toSign = Object.entries({ ...signed, data: sha256Hex(data), secret: this.opts.appSecret })
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    return { ...signed, data, signature: sha256Hex(toSign) };
  }

  private read(answer: ProviderAnswer): UnionpayFaceAnswer {
    const { client } = this;
    if (answer.status >= 500) throw client.unavailable(`verify: HTTP ${answer.status}`);
    if (answer.status !== 200) throw client.refused(`verify: HTTP ${answer.status}`);
    const wire = client.json<WireAnswer>(answer) ?? {};
    const resp = typeof wire.resp === 'string' && /^[A-Za-z0-9]{1,8}$/.test(wire.resp) ? wire.resp : '-';
    if (resp !== '00') throw client.refused(`verify: resp ${resp}`);
    const { compareResult, txnSeq } = wire.params ?? {};
    if (typeof compareResult !== 'string' || !/^[A-Za-z0-9]{1,8}$/.test(compareResult)) throw client.badAnswer('verify: answer has no params.compareResult');
    return { outcome: compareResult === '00' ? 'passed' : 'failed', resultCode: compareResult, providerReference: typeof txnSeq === 'string' ? txnSeq : '' };
  }
}
