/**
 * WeChat's face verification result query (city service 人脸核身, "再次获取核验结果"):
 *
 *   POST {url}/cityservice/face/identify/getinfo?access_token=ACCESS_TOKEN
 *   Content-Type: application/json
 *   {"verify_result": "<the verifyResult wx.startFacialRecognitionVerify gave the app>"}
 *
 *   200 {"errcode": 0, "errmsg": "ok",
 *        "identify_ret": 0,                       0 = the face check passed; else why not (10003, ...)
 *        "identify_time": 1515386034,             Unix seconds
 *        "validate_data": "8769", "openid": "...", "user_id_key": "...",
 *        "finish_time": 1515386063,
 *        "id_card_number_md5": "...",             MD5 of the ID number checked, final X upper case
 *        "name_utf8_md5": "..."}                  MD5 of the name's UTF-8 bytes
 *   200 {"errcode": N, "errmsg": "..."}           the query was not answered:
 *        40001, 40014, 42001   the access token is not (or no longer) valid
 *        -1                    WeChat is busy                          UNAVAILABLE
 *        40000-69999 otherwise the app's standing (quota, IP list, API  REFUSED
 *                              permission)
 *        any other             no result for this verify_result        BAD_VERIFY_RESULT (invalid_argument)
 *
 * The access token is the partner's (seed 003's data.accessToken: WeChat answers a verify result
 * only to the app that ran the check) or, when none is given, the configured app's from
 * wechat-access-token.ts. A configured token that WeChat rejects is refreshed once and the query
 * asked again; a partner's token is the partner's to renew (BAD_ACCESS_TOKEN).
 *
 * The query only reads, so it is idempotent: connection refused and 502/503/504 are retried.
 * Only the verdict and the two digests are kept; openid, user_id_key and validate_data are not
 * read. Neither tokens, the secret nor the verify result appear in logs or errors.
 */
import { failedPrecondition, invalidArgument, Logger } from '@kyc/core';
import { ProviderAnswer, ProviderClient, ProviderClientSettings, requireSettings } from '@kyc/provider-kit';
import { WechatAccessToken } from './wechat-access-token';
import { WECHAT_FACE_ERROR, WechatFace, WechatFaceQueryOptions, WechatFaceResult, checkWechatFaceQuery, verifyResultReference } from './wechat-face';

/** What the adapter needs besides the common provider settings. */
export interface WechatApiSettings {
  /** e.g. https://api.weixin.qq.com */
  url: string;
  /** The platform's own WeChat app ('' for none: every query then brings the partner's token). */
  appId: string;
  appSecret: string;
  /** How long before its expiry a cached token is replaced. */
  tokenRefreshMarginMs: number;
}

export interface HttpWechatFaceOptions extends ProviderClientSettings, WechatApiSettings {
  logger: Logger;
  /** Every call's outcome (for metrics): passed, not-passed, token-rejected, token-issued, error, breaker-open. */
  onResult?(result: string, operation: string): void;
  /** The clock of the token cache. */
  now?: () => number;
}

interface GetInfoAnswer {
  errcode?: unknown;
  identify_ret?: unknown;
  identify_time?: unknown;
  id_card_number_md5?: unknown;
  name_utf8_md5?: unknown;
}

/** WeChat's errcodes for an access token it does not accept. */
const TOKEN_REJECTED = new Set([40001, 40014, 42001]);
const DIGEST = /^[0-9a-fA-F]{32}$/;

type Query = WechatFaceResult | { tokenRejected: number };

export class HttpWechatFace implements WechatFace {
  private readonly client: ProviderClient;
  private readonly tokens?: WechatAccessToken;

  constructor(private readonly opts: HttpWechatFaceOptions) {
    requireSettings(opts, { url: 'WECHAT_FACE_URL' }, 'WECHAT_FACE_MODE=http');
    if (!opts.appId !== !opts.appSecret) throw new Error('WECHAT_FACE_APP_ID and WECHAT_FACE_APP_SECRET are set together or not at all');
    const { timeoutMs, retries, retryBaseMs, breaker, logger, onResult } = opts;
    this.client = new ProviderClient({ timeoutMs, retries, retryBaseMs, breaker, logger, onResult, name: 'wechat-face', errors: WECHAT_FACE_ERROR });
    if (opts.appId) {
      this.tokens = new WechatAccessToken(this.client, {
        url: opts.url,
        appId: opts.appId,
        appSecret: opts.appSecret,
        refreshMarginMs: opts.tokenRefreshMarginMs,
        now: opts.now ?? Date.now,
      });
    }
  }

  async result(verifyResult: string, opts: WechatFaceQueryOptions = {}): Promise<WechatFaceResult> {
    checkWechatFaceQuery(verifyResult, opts);
    if (opts.accessToken !== undefined) {
      const answer = await this.query(verifyResult, opts.accessToken);
      if ('tokenRejected' in answer) {
        throw invalidArgument(WECHAT_FACE_ERROR.badAccessToken, `wechat-face: WeChat does not accept the access token given (errcode ${answer.tokenRejected})`);
      }
      return answer;
    }
    const { tokens } = this;
    if (!tokens) {
      throw failedPrecondition(WECHAT_FACE_ERROR.notConfigured, 'wechat-face: no access token given, and no app configured (WECHAT_FACE_APP_ID, WECHAT_FACE_APP_SECRET)');
    }
    const token = await tokens.get();
    const first = await this.query(verifyResult, token);
    if (!('tokenRejected' in first)) return first;
    tokens.invalidate(token);
    const second = await this.query(verifyResult, await tokens.get());
    if ('tokenRejected' in second) throw this.client.refused(`getinfo: WeChat rejects a freshly issued access token (errcode ${second.tokenRejected})`);
    return second;
  }

  shutdown(): void {
    this.client.shutdown();
  }

  private query(verifyResult: string, accessToken: string): Promise<Query> {
    const url = new URL(`${this.opts.url.replace(/\/+$/, '')}/cityservice/face/identify/getinfo`);
    url.search = new URLSearchParams({ access_token: accessToken }).toString();
    return this.client.call<Query>({
      operation: 'getinfo',
      idempotent: true,
      request: () => ({
        url: url.toString(),
        headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
        body: JSON.stringify({ verify_result: verifyResult }),
      }),
      interpret: (answer) => this.read(answer, verifyResult),
      outcome: (q) => ('tokenRejected' in q ? 'token-rejected' : q.passed ? 'passed' : 'not-passed'),
    });
  }

  private read(answer: ProviderAnswer, verifyResult: string): Query {
    const { client } = this;
    if (answer.status >= 500) throw client.unavailable(`getinfo: HTTP ${answer.status}`);
    if (answer.status !== 200) throw client.refused(`getinfo: HTTP ${answer.status}`);
    const wire = client.json<GetInfoAnswer>(answer) ?? {};
    const errcode = Number(wire.errcode ?? 0);
    if (TOKEN_REJECTED.has(errcode)) return { tokenRejected: errcode };
    if (errcode === -1) throw client.unavailable('getinfo: errcode -1 (system busy)');
    if (errcode >= 40000 && errcode < 70000) throw client.refused(`getinfo: errcode ${errcode}`);
    if (errcode !== 0) throw invalidArgument(WECHAT_FACE_ERROR.badVerifyResult, `wechat-face: WeChat has no result for this verify result (errcode ${errcode})`);

    const { identify_ret: ret, identify_time: time, id_card_number_md5: idMd5, name_utf8_md5: nameMd5 } = wire;
    if (!Number.isInteger(ret) || !Number.isInteger(time) || (time as number) <= 0) throw client.badAnswer('getinfo: answer has no identify_ret or identify_time');
    const passed = ret === 0;
    const digest = (value: unknown): string => (typeof value === 'string' && DIGEST.test(value) ? value.toLowerCase() : '');
    if (passed && (!digest(idMd5) || !digest(nameMd5))) throw client.badAnswer('getinfo: a passed result without id_card_number_md5 and name_utf8_md5');
    return {
      passed,
      identifyRet: ret as number,
      identifyTime: new Date((time as number) * 1000),
      idCardNumberMd5: digest(idMd5),
      nameUtf8Md5: digest(nameMd5),
      providerReference: verifyResultReference(verifyResult),
    };
  }
}
