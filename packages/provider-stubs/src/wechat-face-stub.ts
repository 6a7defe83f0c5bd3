/**
 * A local WeChat API speaking the two calls realname-pattern's WeChat face adapter makes:
 *
 *   GET  /cgi-bin/token?grant_type=client_credential&appid=APPID&secret=APPSECRET
 *        -> {access_token, expires_in} | {errcode: 40002 | 40013 | 40001, errmsg}
 *   POST /cityservice/face/identify/getinfo?access_token=TOKEN   {"verify_result": "..."}
 *        -> {errcode: 0, errmsg, identify_ret, identify_time, validate_data, openid, user_id_key,
 *            finish_time, id_card_number_md5, name_utf8_md5}
 *        -> {errcode: 41001 | 40001 | 42001, errmsg}   no, unknown or expired access token
 *        -> {errcode: 47001, errmsg}                   the body is not {"verify_result": string}
 *        -> {errcode: 84001, errmsg}                   a verify result it has no plan for (WeChat's own
 *                                                      code for that is not published with the query)
 *
 * Errors answer HTTP 200 with their errcode, as WeChat does. Tests set, per verify result, the
 * identity it is for (the stub computes the digests: MD5 of the ID number with a final X upper
 * case, MD5 of the name's UTF-8 bytes), and can revoke or expire the tokens issued so far.
 */
import { createHash, randomBytes } from 'node:crypto';
import { HANG, Plans, StubReply, startStubServer } from './stub-server';

/** A result for an identity (identify_ret 0 unless given; identify_time now unless given, Unix seconds), hang, an HTTP status or an errcode. */
export type WechatFaceBehaviour =
  | { identity: { idNumber: string; name: string }; identifyRet?: number; identifyTime?: number }
  | typeof HANG
  | { status: number }
  | { errcode: number };

/** What /cgi-bin/token does when the app's credentials are right. */
export type WechatTokenBehaviour = 'issue' | typeof HANG | { status: number } | { errcode: number };

export interface WechatFaceStubCall {
  verifyResult: string;
  accessToken: string;
}

export interface WechatFaceStub {
  url: string;
  credentials: { appId: string; appSecret: string };
  setResult(verifyResult: string, ...behaviours: WechatFaceBehaviour[]): void;
  setToken(...behaviours: WechatTokenBehaviour[]): void;
  /** A token getinfo accepts that /cgi-bin/token did not issue: another app's, as a partner passes it. */
  partnerToken(): string;
  /** Every token issued so far answers 40001 from now on (as after another server fetched one). */
  revokeTokens(): void;
  /** Every token issued so far answers 42001 from now on. */
  expireTokens(): void;
  /** Tokens /cgi-bin/token has issued. */
  tokensIssued(): number;
  /** getinfo requests, for one verify result or all. */
  calls(verifyResult?: string): WechatFaceStubCall[];
  close(): Promise<void>;
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

export async function startWechatFaceStub(opts: { tokenLifetimeSeconds?: number } = {}): Promise<WechatFaceStub> {
  const credentials = { appId: `wxstub${randomBytes(5).toString('hex')}`, appSecret: randomBytes(16).toString('hex') };
  const tokens = new Map<string, 'valid' | 'revoked' | 'expired'>();
  const results = new Plans<WechatFaceBehaviour>({ errcode: 84001 });
  const tokenPlans = new Plans<WechatTokenBehaviour>('issue');
  const seen: WechatFaceStubCall[] = [];
  let issued = 0;
  const error = (errcode: number, errmsg: string): StubReply => ({ status: 200, body: { errcode, errmsg } });
  const newToken = () => {
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, 'valid');
    return token;
  };
  const mark = (state: 'revoked' | 'expired') => {
    for (const token of tokens.keys()) tokens.set(token, state);
  };

  const server = await startStubServer((req) => {
    const [path, query = ''] = req.path.split('?');
    const params = new URLSearchParams(query);
    if (req.method === 'GET' && path === '/cgi-bin/token') {
      if (params.get('grant_type') !== 'client_credential') return error(40002, 'invalid grant_type');
      if (params.get('appid') !== credentials.appId) return error(40013, 'invalid appid');
      if (params.get('secret') !== credentials.appSecret) return error(40001, 'invalid credential, access_token is invalid or not latest');
      const behaviour = tokenPlans.next('');
      if (behaviour === HANG) return HANG;
      if (typeof behaviour === 'object') return 'status' in behaviour ? { status: behaviour.status, body: {} } : error(behaviour.errcode, 'stub refusal');
      issued += 1;
      return { status: 200, body: { access_token: newToken(), expires_in: opts.tokenLifetimeSeconds ?? 7200 } };
    }
    if (req.method !== 'POST' || path !== '/cityservice/face/identify/getinfo') return { status: 404, body: {} };

    const accessToken = params.get('access_token') ?? '';
    let verifyResult = '';
    try {
      verifyResult = String((JSON.parse(req.body) as { verify_result?: unknown }).verify_result ?? '');
    } catch {
      // answered below as a data format error
    }
    seen.push({ verifyResult, accessToken });
    if (!accessToken) return error(41001, 'access_token missing');
    const state = tokens.get(accessToken);
    if (state === 'expired') return error(42001, 'access_token expired');
    if (state !== 'valid') return error(40001, 'invalid credential, access_token is invalid or not latest');
    if (!verifyResult) return error(47001, 'data format error');

    const behaviour = results.next(verifyResult);
    if (behaviour === HANG) return HANG;
    if ('status' in behaviour) return { status: behaviour.status, body: {} };
    if ('errcode' in behaviour) return error(behaviour.errcode, 'stub refusal');
    const identifyTime = behaviour.identifyTime ?? Math.floor(Date.now() / 1000);
    return {
      status: 200,
      body: {
        errcode: 0,
        errmsg: 'ok',
        identify_ret: behaviour.identifyRet ?? 0,
        identify_time: identifyTime,
        validate_data: '',
        openid: 'o-stub-openid',
        user_id_key: randomBytes(16).toString('hex'),
        finish_time: identifyTime + 3,
        id_card_number_md5: md5(behaviour.identity.idNumber.toUpperCase()),
        name_utf8_md5: md5(behaviour.identity.name),
      },
    };
  });

  return {
    url: server.url,
    credentials,
    setResult: (verifyResult, ...b) => results.set(verifyResult, ...b),
    setToken: (...b) => tokenPlans.set('', ...b),
    partnerToken: newToken,
    revokeTokens: () => mark('revoked'),
    expireTokens: () => mark('expired'),
    tokensIssued: () => issued,
    calls: (verifyResult) => (verifyResult === undefined ? [...seen] : seen.filter((c) => c.verifyResult === verifyResult)),
    close: server.close,
  };
}
