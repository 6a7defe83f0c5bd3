/**
 * Attacks on every contract's authentication, on the real stack: a replay, a stale and a future
 * timestamp, a wrong signature or forged token, a truncated one, another partner's credentials,
 * NoSQL operators in every JSON field and in query strings, and parameter pollution (twice, in the
 * query and the body, as an array). Each must get the contract's own refusal, in its own shape and
 * status: never a success, never a 5xx, never another contract's envelope. Where an attack does not
 * apply to a contract the table says why. A matrix of what was observed is printed at the end.
 */
import { createPartner, mintAppSession, PartnerCredentials, Platform, registerCompanyKey, signBody } from '@kyc/dev-platform';
import { CompanyKeyPair, generateCompanyKeyPair, signedIdcardCheck } from '../support/alipay-signer';
import { getSts, idCardStep, ossClient, StsCredentials } from '../support/app-auth';
import {
  AttackCase,
  flipLast,
  Observed,
  NotApplicable,
  OPERATORS,
  ossError,
  ossSignedUrl,
  ossV1Request,
  randomToken,
  RawRequest,
  Refusal,
  reviewerApi,
  seed000,
  seed001,
  seed002,
  seed002Photo,
  seed003,
  seed004,
  send,
  sendTwice,
  Summary,
  truncated,
  withDuplicateKey,
} from '../support/attack-cases';
import { bootPlatform } from '../support/fixtures';
import { jpegImage } from '../support/images';
import { expectedSign } from '../support/member-client';
import { newReviewer } from '../support/review';

const ALL_FEATURES = 'user-validate,member-verify,idcard-check,campus-auth';
const HOUR_MS = 3600_000;
/** A well-formed resident ID number for seed 001's step 1 (only the operator under test is wrong). */
const STEP_ID_NUMBER = '11010119900307001X';
/** Step 1's validity dates: a malformed one is the contract's "validity dates invalid" (-1009), not -1. */
const VALIDITY_FIELDS = ['singnTime', 'outofTime'];

const C = {
  member: '000 member',
  platform: '000 platform',
  idcard: '004 RSA2',
  sid: '002 user_sid',
  app: '001 uid+token',
  campusUser: '003 user token',
  campusApp: '003 app token',
  reviewer: 'reviewer',
  oss: 'OSS getsts',
} as const;

const A = {
  replay: 'replay',
  stale: 'stale timestamp',
  future: 'future timestamp',
  wrongSign: 'wrong signature/token',
  truncated: 'truncated token/sign',
  otherPartner: "other partner's creds",
  jsonOperator: 'operator in JSON field',
  queryOperator: 'operator in query',
  twice: 'parameter twice',
  queryAndBody: 'query + body',
  array: 'parameter as array',
} as const;

const BEARER_ONLY = 'bearer token: no per-request signature, timestamp or nonce; the token itself is the credential until it expires';

/** Attacks that cannot apply, and why (the issue wants the list complete). */
const NOT_APPLICABLE: NotApplicable[] = [
  ...[C.sid, C.app, C.campusUser, C.campusApp, C.reviewer].flatMap((contract) => [
    { attack: A.replay, contract, reason: BEARER_ONLY },
    { attack: A.stale, contract, reason: BEARER_ONLY },
    { attack: A.future, contract, reason: BEARER_ONLY },
  ]),
  { attack: A.replay, contract: C.idcard, reason: 'seed 004 (Alipay-style) has no nonce: a read-only lookup, replayable inside the timestamp window by the contract' },
  { attack: A.replay, contract: C.oss, reason: 'OSS V1/V4 signatures carry no nonce: a signed request is valid within 15 minutes of its date (signed URLs until Expires), as on OSS' },
  { attack: A.jsonOperator, contract: C.oss, reason: 'object requests have no JSON: credentials travel in headers or the signed query, the body is the object bytes' },
  { attack: A.jsonOperator, contract: C.campusApp, reason: 'the result query is a GET: no JSON body (the ticket is a query parameter, the query rows)' },
  { attack: A.queryAndBody, contract: C.campusApp, reason: 'the result query is a GET: there is no body to pollute' },
  { attack: A.array, contract: C.campusApp, reason: 'a GET query parameter given twice is its array form (the "twice" row)' },
  { attack: A.array, contract: C.oss, reason: 'headers and query values are strings; a repeated header is the "twice" row' },
];

let platform: Platform;
let partnerA: PartnerCredentials;
let partnerB: PartnerCredentials;
let keyA: CompanyKeyPair;
let keyB: CompanyKeyPair;
let alice: { uid: number; token: string };
let bobOfB: { uid: number; token: string };
let appTokenA: string;
let reviewerToken: string;
let stsAlice: StsCredentials;
let stsBob: StsCredentials;
let aliceObject: string;

const summary = new Summary('Authentication attacks (observed: HTTP status, or status/contract code)');

beforeAll(async () => {
  platform = await bootPlatform('attacks');
  [partnerA, partnerB] = await Promise.all([createPartner(platform, 'attacked partner', ALL_FEATURES), createPartner(platform, 'other partner', ALL_FEATURES)]);
  [keyA, keyB] = [generateCompanyKeyPair(), generateCompanyKeyPair()];
  await Promise.all([registerCompanyKey(platform, partnerA.app_id, keyA.publicKeyPem), registerCompanyKey(platform, partnerB.app_id, keyB.publicKeyPem)]);
  [alice, bobOfB] = await Promise.all([mintAppSession(platform.gatewayUrl, partnerA, 'alice'), mintAppSession(platform.gatewayUrl, partnerB, 'bob')]);
  const minted = await send(platform.gatewayUrl, { url: '/api/platform/app-token', json: signBody(partnerA, { grant_type: 'client_credentials' }) });
  appTokenA = minted.json.data.access_token;
  reviewerToken = (await newReviewer(platform, 'attacked reviewer')).token;
  [stsAlice, stsBob] = await Promise.all([getSts(platform, alice), getSts(platform, bobOfB)]);
  aliceObject = `${stsAlice.prefix}front.jpg`;
  await ossClient(stsAlice).put(aliceObject, jpegImage(320, 240, { seed: 3 }));
});

afterAll(async () => {
  for (const n of NOT_APPLICABLE) summary.notApplicable(n);
  process.stdout.write(`\n${summary.render()}\n\nNot applicable:\n${NOT_APPLICABLE.map((n) => `  ${n.attack} / ${n.contract}: ${n.reason}`).join('\n')}\n`);
  await platform?.stop();
});

// ---------- requests per contract ----------

const gw = (req: RawRequest) => send(platform.gatewayUrl, req);
const rv = (req: RawRequest) => send(platform.reviewerUrl, req);
const abs = (req: RawRequest) => send('', req);

const MEMBER_STATUS = '/api/platform/member/status';
const MEMBER_VERIFY = '/api/platform/member/verify';
const SESSION = '/api/platform/session';
const APP_TOKEN = '/api/platform/app-token';
const IDCARD = '/api/kycloud/open/v1.0/auth/idcard/check';
const RNAUTH = '/api/ucenter-service-provider/api/user/rnauth';
const RESULT = '/api/ucenter-service-provider/api/user/rnauth/result';
const FROM_CLIENT = { 'x-deepcloud-from': 'client' };

/** One row of the table: the contract is fixed per section. */
const caseOf =
  (contract: string) =>
  (attack: string, what: string, run: () => Promise<Observed>, expected: Refusal): AttackCase => ({ attack, contract, what, run, expected });

/** One case per field and NoSQL operator. */
const eachOperator = (fields: readonly string[], make: (field: string, name: string, op: unknown) => AttackCase): AttackCase[] =>
  fields.flatMap((field) => Object.entries(OPERATORS).map(([name, op]) => make(field, name, op)));

/** A member/status query for a user the partner never sent (so no answer can be a success but the refusals). */
const statusBody = (over: Record<string, unknown> = {}) => ({ user_id: 'nobody-here', member: {}, ...over });
const MEMBER = { id: 1, name: '张三', identity_card_number: '11010119900307001X' };
const verifyBody = (over: Record<string, unknown> = {}) => ({ user_id: 'nobody-here', tx_seq_no: 'attack-1', notify_url: 'http://127.0.0.1:9/notify', member: MEMBER, ...over });
const signed = (creds: PartnerCredentials, body: Record<string, unknown>, at?: number) => signBody(creds, body, at);
const withSign = (body: Record<string, unknown>, change: (sign: string) => string) => ({ ...body, sign: change(String(body.sign)) });
const mixedCreds = () => ({ app_id: partnerA.app_id, app_secret: partnerB.app_secret });

const idcardSigned = (over: { at?: number; key?: CompanyKeyPair; biz?: Record<string, unknown> | string } = {}) =>
  signedIdcardCheck(partnerA.app_id, (over.key ?? keyA).privateKey, over.biz ?? { userId: 'nobody-here' }, { at: over.at });
const idcardForm = (params: Record<string, string>) => gw({ url: IDCARD, form: new URLSearchParams(params) });

const appBody = (over: Record<string, unknown> = {}) => ({ uid: alice.uid, token: alice.token, local: 'en', ...over });
const IMPORT_DATA = { name: '刘大宝', identityNo: '410102198504120315', outid: '150940', customerCode: '1001' };
const rnauthBody = (over: Record<string, unknown> = {}) => ({ rnAuthPatternCode: 'IMPORT', data: IMPORT_DATA, ...over });
const bearer = (token: string) => ({ ...FROM_CLIENT, authorization: `Bearer ${token}` });

// ---------- the table ----------

function memberCases(): AttackCase[] {
  const c = caseOf(C.member);
  const status = (json: unknown, query = '') => gw({ url: `${MEMBER_STATUS}${query}`, json });
  const verify = (over: Record<string, unknown>) => gw({ url: MEMBER_VERIFY, json: signed(partnerA, verifyBody(over)) });
  const missing = seed000(400, /^缺少签名参数/);
  return [
    c(A.replay, 'member/status signed once, sent twice', () => sendTwice(platform.gatewayUrl, { url: MEMBER_STATUS, json: signed(partnerA, statusBody()) }), seed000(401, '重复的请求')),
    c(A.stale, 'time_stamp an hour old', () => status(signed(partnerA, statusBody(), Date.now() - HOUR_MS)), seed000(401, '时间戳已过期')),
    c(A.future, 'time_stamp an hour ahead', () => status(signed(partnerA, statusBody(), Date.now() + HOUR_MS)), seed000(401, '时间戳已过期')),
    c(A.wrongSign, 'sign with one character changed', () => status(withSign(signed(partnerA, statusBody()), flipLast)), seed000(401, '签名错误')),
    c(A.wrongSign, 'user_id changed after signing', () => status({ ...signed(partnerA, statusBody()), user_id: 'alice' }), seed000(401, '签名错误')),
    c(A.truncated, 'sign cut in half', () => status(withSign(signed(partnerA, statusBody()), truncated)), seed000(401, '签名错误')),
    c(A.otherPartner, "A's app_id signed with B's secret", () => status(signed(mixedCreds(), statusBody())), seed000(401, '签名错误')),
    ...eachOperator(['app_id', 'nonce_str', 'time_stamp', 'sign'], (field, name, op) =>
      c(A.jsonOperator, `${field}: ${name}`, () => status({ ...signed(partnerA, statusBody()), [field]: op }), missing),
    ),
    ...eachOperator(['user_id'], (field, name, op) =>
      c(A.jsonOperator, `status ${field}: ${name} (validly signed)`, () => status(signed(partnerA, statusBody({ [field]: op }))), seed000(400, 'user_id 格式错误')),
    ),
    // The status query is answered by user_id: operators in member change nothing.
    ...eachOperator(['member'], (field, name, op) =>
      c(A.jsonOperator, `status ${field}: ${name} (validly signed, inert)`, () => status(signed(partnerA, statusBody({ [field]: op }))), seed000(400, '相关注册记录不存在')),
    ),
    ...eachOperator(['user_id', 'tx_seq_no', 'notify_url'], (field, name, op) =>
      c(A.jsonOperator, `verify ${field}: ${name} (validly signed)`, () => verify({ [field]: op }), seed000(400, `${field} 格式错误`)),
    ),
    ...eachOperator(['member'], (field, name, op) => c(A.jsonOperator, `verify member: ${name} (validly signed)`, () => verify({ [field]: op }), seed000(400, 'member.id 必填'))),
    ...eachOperator(['id', 'name', 'identity_card_number', 'phone'], (field, name, op) =>
      c(A.jsonOperator, `verify member.${field}: ${name} (validly signed)`, () => verify({ member: { ...MEMBER, [field]: op } }), seed000(400, `member.${field} 格式错误`)),
    ),
    c(A.queryOperator, '?app_id[$ne]=x&sign[$ne]=x&user_id[$ne]=x, empty body', () => status({}, '?app_id[$ne]=x&sign[$ne]=x&user_id[$ne]=x'), missing),
    c(A.twice, 'user_id given again after the signed one (raw JSON)', () => status(withDuplicateKey(signed(partnerA, statusBody()), 'user_id', 'alice')), seed000(401, '签名错误')),
    c(A.queryAndBody, 'user_id only in the query, the rest signed in the body', () => status(signed(partnerA, { member: {} }), '?user_id=alice'), seed000(400, 'user_id 必填')),
    c(A.array, 'user_id as an array (validly signed)', () => status(signed(partnerA, statusBody({ user_id: ['alice', 'bob'] }))), seed000(400, 'user_id 格式错误')),
    c(A.array, 'app_id as an array', () => status({ ...signed(partnerA, statusBody()), app_id: [partnerA.app_id] }), missing),
  ];
}

function platformCases(): AttackCase[] {
  const c = caseOf(C.platform);
  const session = (json: unknown, query = '') => gw({ url: `${SESSION}${query}`, json });
  const appToken = (json: unknown) => gw({ url: APP_TOKEN, json });
  const user = (over: Record<string, unknown> = {}) => ({ user_id: 'attack-user', ...over });
  const grant = (over: Record<string, unknown> = {}) => ({ grant_type: 'client_credentials', ...over });
  /** The same nonce_str as an earlier request, with another body and a valid sign over it. */
  const nonceReused = async () => {
    const first = signed(partnerA, user());
    await session(first);
    const again: Record<string, unknown> = { ...first, user_id: 'alice' };
    delete again.sign;
    return session({ ...again, sign: expectedSign(partnerA.app_secret, again) });
  };
  return [
    c(A.replay, 'session signed once, sent twice', () => sendTwice(platform.gatewayUrl, { url: SESSION, json: signed(partnerA, user()) }), seed000(401, '重复的请求')),
    c(A.replay, 'session: a used nonce_str again, with another user_id and a fresh valid sign', nonceReused, seed000(401, '重复的请求')),
    c(A.replay, 'app-token signed once, sent twice', () => sendTwice(platform.gatewayUrl, { url: APP_TOKEN, json: signed(partnerA, grant()) }), seed000(401, '重复的请求')),
    c(A.stale, 'session, time_stamp an hour old', () => session(signed(partnerA, user(), Date.now() - HOUR_MS)), seed000(401, '时间戳已过期')),
    c(A.future, 'app-token, time_stamp an hour ahead', () => appToken(signed(partnerA, grant(), Date.now() + HOUR_MS)), seed000(401, '时间戳已过期')),
    c(A.wrongSign, 'session for another user_id than signed', () => session({ ...signed(partnerA, user()), user_id: 'alice' }), seed000(401, '签名错误')),
    c(A.truncated, 'app-token, sign cut in half', () => appToken(withSign(signed(partnerA, grant()), truncated)), seed000(401, '签名错误')),
    c(A.otherPartner, "session: A's app_id signed with B's secret", () => session(signed(mixedCreds(), user({ user_id: 'alice' }))), seed000(401, '签名错误')),
    ...eachOperator(['user_id'], (field, name, op) => c(A.jsonOperator, `session ${field}: ${name} (validly signed)`, () => session(signed(partnerA, user({ [field]: op }))), seed000(400, 'user_id 必填'))),
    ...eachOperator(['grant_type'], (field, name, op) =>
      c(A.jsonOperator, `app-token ${field}: ${name} (validly signed)`, () => appToken(signed(partnerA, grant({ [field]: op }))), seed000(400, 'grant_type 必须为 client_credentials')),
    ),
    ...eachOperator(['app_id', 'nonce_str', 'time_stamp', 'sign'], (field, name, op) =>
      c(A.jsonOperator, `session ${field}: ${name}`, () => session({ ...signed(partnerA, user()), [field]: op }), seed000(400, /^缺少签名参数/)),
    ),
    c(A.queryOperator, '?app_id[$ne]=x&user_id[$ne]=x, empty body', () => session({}, '?app_id[$ne]=x&user_id[$ne]=x'), seed000(400, /^缺少签名参数/)),
    c(A.twice, 'user_id given again after the signed one (raw JSON)', () => session(withDuplicateKey(signed(partnerA, user()), 'user_id', 'alice')), seed000(401, '签名错误')),
    c(A.queryAndBody, 'user_id only in the query', () => session(signed(partnerA, {}), '?user_id=alice'), seed000(400, 'user_id 必填')),
    c(A.array, 'user_id as an array (validly signed)', () => session(signed(partnerA, user({ user_id: ['alice'] }))), seed000(400, 'user_id 必填')),
  ];
}

function idcardCases(): AttackCase[] {
  const c = caseOf(C.idcard);
  const paramError = seed004('open_param_error');
  const twice = (field: string, value: () => string) => () => {
    const form = new URLSearchParams(idcardSigned());
    form.append(field, value());
    return gw({ url: IDCARD, form });
  };
  const withoutCompanyId = () => Object.fromEntries(Object.entries(idcardSigned()).filter(([k]) => k !== 'companyId'));
  return [
    c(A.stale, 'timestamp an hour old', () => idcardForm(idcardSigned({ at: Date.now() - HOUR_MS })), seed004('open_request_expired')),
    c(A.future, 'timestamp an hour ahead', () => idcardForm(idcardSigned({ at: Date.now() + HOUR_MS })), seed004('open_request_expired')),
    c(A.wrongSign, 'bizContent changed after signing', () => idcardForm({ ...idcardSigned(), bizContent: JSON.stringify({ userId: 'alice' }) }), seed004('open_sign_error')),
    c(A.wrongSign, 'sign of another request', () => idcardForm({ ...idcardSigned(), sign: idcardSigned({ biz: { userId: 'x' } }).sign }), seed004('open_sign_error')),
    c(A.truncated, 'sign cut in half', () => idcardForm(withSign(idcardSigned(), truncated) as Record<string, string>), seed004('open_sign_error')),
    c(A.otherPartner, "A's companyId signed with B's key", () => idcardForm(idcardSigned({ key: keyB })), seed004('open_sign_error')),
    ...eachOperator(['companyId', 'charset', 'signType', 'bizContent', 'timestamp', 'sign'], (field, name, op) =>
      c(A.jsonOperator, `JSON body ${field}: ${name}`, () => gw({ url: IDCARD, json: { ...idcardSigned(), [field]: op } }), paramError),
    ),
    ...eachOperator(['userId', 'cardNumber'], (field, name, op) =>
      c(A.jsonOperator, `bizContent.${field}: ${name} (validly signed)`, () => idcardForm(idcardSigned({ biz: { [field]: op } })), paramError),
    ),
    c(A.queryOperator, '?companyId[$ne]=x&sign[$ne]=x, empty form', () => gw({ url: `${IDCARD}?companyId[$ne]=x&sign[$ne]=x`, form: '' }), paramError),
    c(A.twice, 'sign twice in the form', twice('sign', () => idcardSigned().sign), paramError),
    c(A.twice, 'companyId twice in the form (A then B)', twice('companyId', () => partnerB.app_id), paramError),
    c(A.queryAndBody, 'companyId only in the query', () => gw({ url: `${IDCARD}?companyId=${partnerA.app_id}`, form: new URLSearchParams(withoutCompanyId()) }), paramError),
    c(A.array, 'JSON sign as an array', () => gw({ url: IDCARD, json: withSign(idcardSigned(), (sign) => [sign] as unknown as string) }), paramError),
    c(A.array, 'bizContent.userId as an array (validly signed)', () => idcardForm(idcardSigned({ biz: { userId: ['alice'] } })), paramError),
  ];
}

function userSidCases(): AttackCase[] {
  const c = caseOf(C.sid);
  const fetchInfo = (query: string) => gw({ url: `/user/validate/fetch_info/?${query}` });
  const fetchPhoto = (query: string) => gw({ url: `/user/validate/fetch_photo/?${query}` });
  const submitInfo = (data: unknown, query = '') => gw({ url: `/user/validate/submit_info/${query}`, json: { data } });
  const info = (over: Record<string, unknown> = {}) => ({ user_sid: alice.token, name: '王小明', idcard_number: '11010119900307001X', ...over });
  const sid = (token: string) => `user_sid=${encodeURIComponent(token)}`;
  return [
    c(A.wrongSign, 'fetch_info with a made-up user_sid', () => fetchInfo(sid(randomToken(alice.token))), seed002(404)),
    c(A.wrongSign, 'fetch_photo with a made-up user_sid', () => fetchPhoto(`${sid(randomToken(alice.token))}&t_photo=0`), seed002Photo(401)),
    c(A.truncated, 'fetch_info, user_sid cut in half', () => fetchInfo(sid(truncated(alice.token))), seed002(404)),
    c(A.truncated, 'fetch_photo, user_sid cut in half', () => fetchPhoto(`${sid(truncated(alice.token))}&t_photo=0`), seed002Photo(401)),
    c(A.otherPartner, "partner B's app_secret as user_sid", () => fetchInfo(sid(partnerB.app_secret)), seed002(404)),
    c(A.otherPartner, "partner A's app access token as user_sid", () => fetchInfo(sid(appTokenA)), seed002(404)),
    ...eachOperator(['user_sid', 'name', 'idcard_number'], (field, name, op) => c(A.jsonOperator, `submit_info data.${field}: ${name}`, () => submitInfo(info({ [field]: op })), seed002(400))),
    ...eachOperator(['data'], (_field, name, op) => c(A.jsonOperator, `submit_info data: ${name}`, () => submitInfo(op), seed002(400))),
    c(A.queryOperator, 'fetch_info?user_sid[$ne]=x', () => fetchInfo('user_sid[$ne]=x'), seed002(400)),
    c(A.queryOperator, 'fetch_info?user_sid[$regex]=.*', () => fetchInfo('user_sid[$regex]=.*'), seed002(400)),
    c(A.queryOperator, 'fetch_photo?user_sid[$ne]=x&t_photo=0', () => fetchPhoto('user_sid[$ne]=x&t_photo=0'), seed002Photo(400)),
    c(A.queryOperator, 'fetch_photo?t_photo[$ne]=0 (valid user_sid)', () => fetchPhoto(`${sid(alice.token)}&t_photo[$ne]=0`), seed002Photo(400)),
    c(A.queryOperator, 'submit_photo?user_sid[$ne]=x&t_photo=0', () => gw({ url: '/user/validate/submit_photo/?user_sid[$ne]=x&t_photo=0', form: '' }), seed002(400)),
    c(A.twice, 'fetch_info?user_sid=<sid>&user_sid=<sid>', () => fetchInfo(`${sid(alice.token)}&${sid(alice.token)}`), seed002(400)),
    c(A.twice, 'fetch_photo?user_sid twice', () => fetchPhoto(`${sid(alice.token)}&${sid(alice.token)}&t_photo=0`), seed002Photo(400)),
    c(A.queryAndBody, 'submit_info with user_sid only in the query', () => submitInfo(info({ user_sid: undefined }), `?${sid(alice.token)}`), seed002(400)),
    c(A.array, 'submit_info data.user_sid as an array', () => submitInfo(info({ user_sid: [alice.token] })), seed002(400)),
  ];
}

function appCases(): AttackCase[] {
  const c = caseOf(C.app);
  const authInfo = (body: unknown, query = '') => gw({ url: `/user/authinfoNew${query}`, json: body });
  const authNew = (body: unknown) => gw({ url: '/user/authnew', json: body });
  const expired = seed001(-1001);
  return [
    c(A.wrongSign, "alice's uid with a made-up token", () => authInfo(appBody({ token: randomToken(alice.token) })), expired),
    c(A.truncated, 'token cut in half', () => authInfo(appBody({ token: truncated(alice.token) })), expired),
    c(A.otherPartner, "alice's uid with partner B's user's token", () => authInfo(appBody({ token: bobOfB.token })), expired),
    c(A.otherPartner, "partner B's user's uid with alice's token", () => authInfo(appBody({ uid: bobOfB.uid })), expired),
    c(A.otherPartner, "getsts with partner A's app_secret as token", () => gw({ url: '/user/getsts', json: appBody({ token: partnerA.app_secret }) }), expired),
    ...eachOperator(['uid', 'token'], (field, name, op) => c(A.jsonOperator, `authinfoNew ${field}: ${name}`, () => authInfo(appBody({ [field]: op })), expired)),
    ...eachOperator(['local'], (field, name, op) => c(A.jsonOperator, `authinfoNew ${field}: ${name} (valid session)`, () => authInfo(appBody({ [field]: op })), seed001(-1))),
    ...eachOperator(Object.keys(idCardStep(STEP_ID_NUMBER)), (field, name, op) =>
      c(A.jsonOperator, `authnew step 1 ${field}: ${name} (valid session)`, () => authNew(appBody(idCardStep(STEP_ID_NUMBER, { [field]: op }))), seed001(VALIDITY_FIELDS.includes(field) ? -1009 : -1)),
    ),
    ...eachOperator(['step', 'positiveImages'], (field, name, op) =>
      c(A.jsonOperator, `authnew step 2 ${field}: ${name} (valid session)`, () => authNew(appBody({ step: 2, positiveImages: aliceObject, isChina: 1, [field]: op })), seed001(-1)),
    ),
    c(A.queryOperator, 'authinfoNew?uid[$ne]=0&token[$ne]=x, empty body', () => gw({ url: '/user/authinfoNew?uid[$ne]=0&token[$ne]=x', form: '' }), expired),
    c(A.queryOperator, 'getsts?token[$regex]=.* with alice uid', () => gw({ url: `/user/getsts?uid=${alice.uid}&token[$regex]=.*`, form: '' }), expired),
    c(A.twice, 'form token=<token>&token=<token>', () => gw({ url: '/user/authinfoNew', form: `uid=${alice.uid}&token=${alice.token}&token=${alice.token}` }), expired),
    c(A.twice, 'form uid twice (alice, then B user)', () => gw({ url: '/user/authinfoNew', form: `uid=${alice.uid}&uid=${bobOfB.uid}&token=${alice.token}` }), expired),
    c(A.queryAndBody, "alice's token in the query, B user's token in the body", () => authInfo(appBody({ token: bobOfB.token }), `?token=${alice.token}`), expired),
    c(A.array, 'JSON token as an array', () => authInfo(appBody({ token: [alice.token] })), expired),
    c(A.array, 'JSON uid as an array', () => authInfo(appBody({ uid: [alice.uid] })), expired),
  ];
}

function campusCases(): AttackCase[] {
  const user = caseOf(C.campusUser);
  const app = caseOf(C.campusApp);
  const invalid = seed003(401, 'access_token 无效或已过期');
  const rnauth = (token: string, body: unknown, query = '') => gw({ url: `${RNAUTH}${query}`, json: body, headers: bearer(token) });
  const mobileCode = (body: unknown) => gw({ url: `${RNAUTH}/mobile-code`, json: body, headers: bearer(alice.token) });
  const result = (token: string, query: string) => gw({ url: `${RESULT}?${query}`, headers: bearer(token) });
  return [
    user(A.wrongSign, 'rnauth with a made-up access_token', () => rnauth(randomToken(alice.token), rnauthBody()), invalid),
    app(A.wrongSign, 'result with a made-up app token', () => result(randomToken(appTokenA), 'rnAuthTicket=x'), invalid),
    user(A.truncated, 'rnauth, access_token cut in half', () => rnauth(truncated(alice.token), rnauthBody()), invalid),
    app(A.truncated, 'result, app token cut in half', () => result(truncated(appTokenA), 'rnAuthTicket=x'), invalid),
    user(A.otherPartner, 'rnauth with an app token (names no user)', () => rnauth(appTokenA, rnauthBody()), invalid),
    user(A.otherPartner, "rnauth with partner B's app_secret", () => rnauth(partnerB.app_secret, rnauthBody()), invalid),
    app(A.otherPartner, 'result with a user access token', () => result(alice.token, 'rnAuthTicket=x'), invalid),
    ...eachOperator(['rnAuthPatternCode', 'guid', 'data'], (field, name, op) => user(A.jsonOperator, `rnauth ${field}: ${name} (valid token)`, () => rnauth(alice.token, rnauthBody({ [field]: op })), seed003(400))),
    ...eachOperator(Object.keys(IMPORT_DATA), (field, name, op) =>
      user(A.jsonOperator, `rnauth data.${field}: ${name} (valid token)`, () => rnauth(alice.token, rnauthBody({ data: { ...IMPORT_DATA, [field]: op } })), seed003(400)),
    ),
    ...eachOperator(['mobileNo', 'guid'], (field, name, op) => user(A.jsonOperator, `mobile-code ${field}: ${name} (valid token)`, () => mobileCode({ mobileNo: '13800138000', [field]: op }), seed003(400))),
    ...eachOperator(['oldGuid'], (field, name, op) => user(A.jsonOperator, `mobile-code ${field}: ${name} (valid token)`, () => mobileCode({ [field]: op }), seed003(400))),
    app(A.queryOperator, 'result?rnAuthTicket[$ne]=x (valid app token)', () => result(appTokenA, 'rnAuthTicket[$ne]=x'), seed003(400, 'rnAuthTicket 必填')),
    user(A.queryOperator, 'rnauth?access_token[$ne]=x, no header', () => gw({ url: `${RNAUTH}?access_token[$ne]=x`, json: rnauthBody(), headers: FROM_CLIENT }), invalid),
    app(A.twice, 'result?rnAuthTicket=a&rnAuthTicket=b', () => result(appTokenA, 'rnAuthTicket=a&rnAuthTicket=b'), seed003(400, 'rnAuthTicket 必填')),
    user(A.twice, 'rnauth with rnAuthPatternCode given again (raw JSON)', () => rnauth(alice.token, withDuplicateKey(rnauthBody(), 'rnAuthPatternCode', { $ne: null })), seed003(400)),
    user(A.queryAndBody, 'rnAuthPatternCode only in the query', () => rnauth(alice.token, rnauthBody({ rnAuthPatternCode: undefined }), '?rnAuthPatternCode=IMPORT'), seed003(400)),
    user(A.array, 'rnAuthPatternCode as an array', () => rnauth(alice.token, rnauthBody({ rnAuthPatternCode: ['IMPORT'] })), seed003(400)),
    user(A.array, 'guid as an array', () => rnauth(alice.token, rnauthBody({ guid: [String(alice.uid)] })), seed003(400)),
  ];
}

function reviewerCases(): AttackCase[] {
  const c = caseOf(C.reviewer);
  const unauthenticated = reviewerApi(401, 'KYC.REVIEWER.UNAUTHENTICATED');
  const invalid = reviewerApi(400, 'KYC.REVIEWER.INVALID_REQUEST');
  const get = (url: string, token?: string) => rv({ url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  const decide = (body: unknown, query = '') => rv({ url: `/reviewer/v1/cases/case-1/decision${query}`, json: body, headers: { authorization: `Bearer ${reviewerToken}` } });
  const forged = () => `${reviewerToken.split('.')[0]}.${randomToken(reviewerToken.split('.')[1])}`;
  return [
    c(A.wrongSign, "the reviewer's id with a made-up secret", () => get('/reviewer/v1/cases', forged()), unauthenticated),
    c(A.truncated, 'token cut in half', () => get('/reviewer/v1/cases', truncated(reviewerToken)), unauthenticated),
    c(A.otherPartner, "a partner's app_secret as bearer", () => get('/reviewer/v1/cases', partnerA.app_secret), unauthenticated),
    c(A.otherPartner, "a user's session token as bearer", () => get('/reviewer/v1/me', alice.token), unauthenticated),
    ...eachOperator(['decision'], (field, name, op) => c(A.jsonOperator, `${field}: ${name}`, () => decide({ decision: op, round: 1 }), invalid)),
    ...eachOperator(['round'], (field, name, op) => c(A.jsonOperator, `${field}: ${name}`, () => decide({ decision: 'approve', round: op }), invalid)),
    ...eachOperator(['reason_code', 'reason'], (field, name, op) => c(A.jsonOperator, `${field}: ${name}`, () => decide({ decision: 'reject', round: 1, reason_code: 'PHOTO_UNREADABLE', [field]: op }), invalid)),
    c(A.jsonOperator, 'case id {"$ne":null} in the path', () => get(`/reviewer/v1/cases/${encodeURIComponent('{"$ne":null}')}`, reviewerToken), invalid),
    c(A.queryOperator, 'cases?limit[$gt]=0&status[$ne]=x without a token', () => get('/reviewer/v1/cases?limit[$gt]=0&status[$ne]=x'), unauthenticated),
    c(A.queryOperator, 'cases?status[$ne]=x&limit=abc', () => get('/reviewer/v1/cases?status[$ne]=x&limit=abc', reviewerToken), invalid),
    c(A.twice, 'cases?limit=1&limit=2', () => get('/reviewer/v1/cases?limit=1&limit=2', reviewerToken), invalid),
    c(A.twice, 'decision given again (raw JSON)', () => decide(withDuplicateKey({ decision: 'approve', round: 1 }, 'decision', { $ne: null })), invalid),
    c(A.queryAndBody, 'round only in the query', () => decide({ decision: 'approve' }, '?round=1'), invalid),
    c(A.array, 'decision as an array', () => decide({ decision: ['approve'], round: 1 }), invalid),
  ];
}

function ossCases(): AttackCase[] {
  const c = caseOf(C.oss);
  const get = (creds: StsCredentials, over: Omit<Parameters<typeof ossV1Request>[1], 'key'> = {}) => abs(ossV1Request(creds, { key: aliceObject, ...over }));
  return [
    c(A.stale, 'x-oss-date an hour old', () => get(stsAlice, { at: Date.now() - HOUR_MS }), ossError(403, 'RequestTimeTooSkewed')),
    c(A.stale, 'signed URL expired a minute ago', () => abs({ url: ossSignedUrl(stsAlice, aliceObject, Date.now() - 60_000) }), ossError(403, 'AccessDenied')),
    c(A.future, 'x-oss-date an hour ahead', () => get(stsAlice, { at: Date.now() + HOUR_MS }), ossError(403, 'RequestTimeTooSkewed')),
    c(A.wrongSign, 'signed with a wrong AccessKeySecret', () => get(stsAlice, { accessKeySecret: flipLast(stsAlice.AccessKeySecret) }), ossError(403, 'SignatureDoesNotMatch')),
    c(A.truncated, 'SecurityToken cut in half', () => get(stsAlice, { securityToken: truncated(stsAlice.SecurityToken) }), ossError(403, 'InvalidSecurityToken')),
    c(A.otherPartner, "B user's AccessKeyId/secret with alice's SecurityToken", () => get(stsAlice, { accessKeyId: stsBob.AccessKeyId, accessKeySecret: stsBob.AccessKeySecret }), ossError(403, 'AccessKeyIdAndSecurityTokenNotMatch')),
    c(A.otherPartner, "B user's own credentials on alice's object", () => get(stsBob), ossError(403, 'AccessDenied')),
    c(A.queryOperator, '?OSSAccessKeyId[$ne]=x&Signature[$ne]=x&security-token[$ne]=x', () => abs({ url: `${stsAlice.endpoint}/${aliceObject}?OSSAccessKeyId[$ne]=x&Signature[$ne]=x&security-token[$ne]=x` }), ossError(403, 'AccessDenied')),
    c(A.twice, 'x-oss-security-token header twice', () => get(stsAlice, { securityToken: [stsAlice.SecurityToken, stsAlice.SecurityToken] }), ossError(403, 'InvalidSecurityToken')),
    c(
      A.queryAndBody,
      'a valid signed URL plus a bogus Authorization header (the header wins)',
      () => abs({ url: ossSignedUrl(stsAlice, aliceObject, Date.now() + 60_000), headers: { authorization: 'OSS LTAIforged:c2lnbmF0dXJl', 'x-oss-date': new Date().toUTCString() } }),
      ossError(403, 'InvalidAccessKeyId'),
    ),
  ];
}

const TABLE: () => AttackCase[] = () => [...memberCases(), ...platformCases(), ...idcardCases(), ...userSidCases(), ...appCases(), ...campusCases(), ...reviewerCases(), ...ossCases()];

// Declared up front so the matrix has every row and column in the table's order.
for (const a of Object.values(A)) for (const c of Object.values(C)) summary.declare(a, c);

describe.each(Object.values(C))('%s', (contract) => {
  const cases = TABLE().filter((c) => c.contract === contract);
  it.each(cases.map((c) => [`${c.attack}: ${c.what}`, c] as const))('%s', async (_name, c) => {
    const observed = await c.run();
    summary.record(c.attack, c.contract, (observed.status >= 500 ? '5xx!' : '') + (c.expected.problem(observed) ? `!${c.expected.label}` : c.expected.label));
    expect(observed.status).toBeLessThan(500);
    expect(c.expected.problem(observed)).toBeUndefined();
  });
});

it('every attack is either tried on every contract or listed with the reason it does not apply', () => {
  const table = TABLE();
  for (const a of Object.values(A)) {
    for (const c of Object.values(C)) {
      const tried = table.some((t) => t.attack === a && t.contract === c);
      const excused = NOT_APPLICABLE.find((n) => n.attack === a && n.contract === c);
      expect({ attack: a, contract: c, covered: tried || Boolean(excused?.reason) }).toEqual({ attack: a, contract: c, covered: true });
      expect({ attack: a, contract: c, both: tried && Boolean(excused) }).toEqual({ attack: a, contract: c, both: false });
    }
  }
});
