import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { runKyc } from './operator-cli';
import { PartnerCredentials, signBody } from './partner-client';
import { findRepoRoot, Platform } from './platform';

/** The sandbox demo rosters of identity-lookup (its README lists their people). */
const DEMO_SCHOOLS = [
  { customerCode: '1001', name: '郑州枫杨外国语学校', ecard: false, dpcode: '00000000' },
  { customerCode: '1002', name: '第二实验小学', ecard: true, dpcode: '10020000' },
];

/**
 * Identities of the face examples: valid GB 11643 numbers used nowhere else in the demo (an ID
 * number verified for one user of the partner is that user's). Sequence codes outside the
 * sandboxes' failure ranges (realname-pattern's README), so both pass.
 */
const WECHAT_IDENTITY = { realName: '陈静', identityNo: '11010119950518123X' };
const UNIONPAY_IDENTITY = { name: '周明', certCode: '110101198808084563' };
/** Sandbox SMS numbers 13800000001-3 fail on purpose (notifier's sandbox SMS): this one is sent. */
const DEMO_MOBILE = '13912345678';
/** The verified mobile of the user whose identity the 409 / MERGE example claims. */
const HOLDER_MOBILE = '13912345679';
/** What the demo's ticket user verified by IMPORT, and the MERGE example claims again. */
const TICKET_IMPORT = { name: '王五', identityNo: '410102199007200917', outid: '150944', customerCode: '1001' };
/** The sandbox e-card systems accept this password for any account (seed 003's example). */
const ECARD_PASSWORD = '123456';

const UCENTER = '/api/ucenter-service-provider/api/user';
const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

interface Answer {
  code: number;
  message: string;
  data: Record<string, string> | null;
}

/** POSTs JSON and returns the envelope's data; anything but 200 is the demo's failure. */
async function postForData(target: string, body: unknown, headers: Record<string, string> = {}): Promise<Record<string, string>> {
  const res = await fetch(target, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const answer = (await res.json()) as Answer;
  if (answer.code !== 200 || !answer.data) throw new Error(`${new URL(target).pathname} failed: ${answer.code} ${answer.message}`);
  return answer.data;
}

const signedPost = (gatewayUrl: string, urlPath: string, creds: PartnerCredentials, body: Record<string, unknown>) =>
  postForData(`${gatewayUrl}${urlPath}`, signBody(creds, body));

/**
 * A shell command printing the code in the sandbox SMS file, waiting up to 10 s for it: the
 * notifier sends (writes) the message a moment after the gateway has answered.
 */
const readSmsCode = (file: string) =>
  `node -e "const t=Date.now();(function r(){try{console.log(require('${file}').params.code)}catch{Date.now()-t<1e4?setTimeout(r,200):process.exit(1)}})()"`;

/** The code in a sandbox SMS file, once the notifier has written it (up to 10 s). */
async function codeInSmsFile(file: string): Promise<string> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    try {
      return (JSON.parse(await readFile(file, 'utf8')) as { params: { code: string } }).params.code;
    } catch {
      // Not written yet.
    }
  }
  throw new Error(`no sandbox SMS in ${file} after 10 s`);
}

/** The yyyyMMddHHmmss of UnionPay's txnTime, China time. */
const txnTime = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().replace(/\D/g, '').slice(0, 14);

/**
 * Seed 003 for `npm start`: imports the demo rosters for the partner with `kyc roster import` (as an
 * operator would), mints one user access token per example and an app token, runs one IMPORT so
 * the result query has a real ticket, and returns example requests that work as printed: every
 * pattern served, one refusal, and the result query at both of the seed's paths.
 */
export async function campusDemo(platform: Platform, mongoUrl: string, partner: PartnerCredentials): Promise<string[]> {
  const root = findRepoRoot();
  const env = { MONGO_URL: mongoUrl, MONGO_DB: platform.dbName('identity-lookup'), KYC_MASTER_KEY: platform.masterKey };
  for (const s of DEMO_SCHOOLS) {
    const file = path.join(root, `services/identity-lookup/sandbox/demo-roster-${s.customerCode}.csv`);
    const args = ['import', '--partner', partner.app_id, '--customer-code', s.customerCode, '--name', s.name, '--ecard-school', String(s.ecard), '--dpcode', s.dpcode];
    const run = await runKyc(env, ['roster', ...args, '--file', file]);
    if (run.code !== 0) throw new Error(`kyc roster import of school ${s.customerCode} exited ${run.code}: ${run.stderr.trim()}`);
  }
  const url = platform.gatewayUrl;
  // One user per example: each verifies a different person, so none answers 410 for another's.
  const userIds = ['ticket', 'import', 'whitelist', 'ecard', 'relation-1', 'relation-2', 'mobile', 'wechat', 'unionpay', 'refused', 'merger'];
  const sessions = await Promise.all(userIds.map((u) => signedPost(url, '/api/platform/session', partner, { user_id: `demo-campus-${u}` })));
  const user = Object.fromEntries(userIds.map((u, i) => [u, sessions[i]]));
  const app = await signedPost(url, '/api/platform/app-token', partner, { grant_type: 'client_credentials' });

  const call = (urlPath: string, token: string, body: Record<string, unknown>) =>
    postForData(`${url}${urlPath}`, body, { 'x-deepcloud-from': 'client', authorization: token });
  const smsFileOf = (mobile: string) => path.join(platform.gatewayEnv.SMS_SANDBOX_DIR, `${mobile}.json`);
  const headers = (token: string) => `-H 'x-deepcloud-from: client' -H 'authorization: ${token}'`;
  const post = (urlPath: string, token: string, body: string) => `  curl -s -X POST '${url}${urlPath}' ${headers(token)} -H 'content-type: application/json' -d '${body}'`;
  const rnauth = (who: string, pattern: string, data: Record<string, unknown>, guid?: string) =>
    post(`${UCENTER}/rnauth`, user[who].access_token, JSON.stringify({ rnAuthPatternCode: pattern, ...(guid ? { guid } : {}), data }));

  // A verification made here, so that the result query is printed with a ticket that exists.
  const ticket = (await call(`${UCENTER}/rnauth`, user.ticket.access_token, { rnAuthPatternCode: 'IMPORT', data: TICKET_IMPORT })).rnAuthTicket;
  // The same user also verifies a mobile, so another user proving 王五 is offered a merge (409).
  await call(`${UCENTER}/rnauth/mobile-code`, user.ticket.access_token, { mobileNo: HOLDER_MOBILE });
  const holderCode = await codeInSmsFile(smsFileOf(HOLDER_MOBILE));
  await call(`${UCENTER}/rnauth`, user.ticket.access_token, { rnAuthPatternCode: 'MOBILE', data: { mobileNo: HOLDER_MOBILE, code: holderCode } });
  // So that the printed command waits for the MERGE code rather than read this one.
  await rm(smsFileOf(HOLDER_MOBILE), { force: true });

  const smsFile = smsFileOf(DEMO_MOBILE);
  const now = new Date();
  return [
    'Seed 003 (rosters 1001 and 1002 of identity-lookup/sandbox imported; one access_token per example from /api/platform/session, guid optional):',
    '  IMPORT (name + identityNo + outid against the roster, guid = the token\'s user):',
    rnauth('import', 'IMPORT', { name: '刘大宝', identityNo: '410102198504120315', outid: '150940', customerCode: '1001', role: 2 }, user.import.guid),
    '  IMPORT-ECARD (whitelist, school without e-card: outid + name):',
    rnauth('whitelist', 'IMPORT-ECARD', { name: '李四', outid: '150943', customerCode: '1001' }),
    `  ECARD (e-card school 1002; the sandbox e-card system takes password ${ECARD_PASSWORD}):`,
    rnauth('ecard', 'ECARD', { outid: '350002', name: '三五二', password: ECARD_PASSWORD, customerCode: '1002' }),
    '  RELATION type 1 (the child\'s e-card password) and type 2 (the roster lists the parent):',
    rnauth('relation-1', 'RELATION', { name: '赵六', relation: 'F', outid: '350002', childName: '三五二', customerCode: '1002', type: 1, password: ECARD_PASSWORD }),
    rnauth('relation-2', 'RELATION', { name: '王丽', identityNo: '410102198702030425', relation: 'M', outid: '150941', childName: '刘小宝', customerCode: '1001', type: 2 }),
    '  MOBILE: ask for the code, read it where the sandbox SMS writes it (SMS_SANDBOX_DIR), verify:',
    post(`${UCENTER}/rnauth/mobile-code`, user.mobile.access_token, JSON.stringify({ mobileNo: DEMO_MOBILE })),
    `  CODE=$(${readSmsCode(smsFile)})`,
    post(`${UCENTER}/rnauth`, user.mobile.access_token, `{"rnAuthPatternCode":"MOBILE","data":{"mobileNo":"${DEMO_MOBILE}","code":"'"$CODE"'"}}`),
    '  WECHAT-FACE (sandbox verifyResult: sandbox.pass.<md5(identityNo)>.<md5(realName)>):',
    rnauth('wechat', 'WECHAT-FACE', {
      accessToken: 'demo-wechat-app-token',
      verifyResult: `sandbox.pass.${md5(WECHAT_IDENTITY.identityNo)}.${md5(WECHAT_IDENTITY.realName)}`,
      ...WECHAT_IDENTITY,
      deviceId: 'D2486350057',
    }),
    '  UNIONPAY-FACE (sandbox: passes unless certCode\'s sequence code is 960-968):',
    rnauth('unionpay', 'UNIONPAY-FACE', {
      token: 'demo-unionpay-token',
      sign: 'demo-sign',
      ts: now.getTime(),
      action: 'faceAuth',
      txnTime: txnTime(now),
      txnSrc: 'APP',
      orgCode: 'DEMO',
      orgSeq: 'DEMO0001',
      comUserId: 'demo',
      authCode: '0001',
      sceneCode: '01',
      protocoVerison: '1.0',
      authSeq: 'DEMOAUTH0001',
      ...UNIONPAY_IDENTITY,
      certType: '01',
      faceImage: 'ZmFjZQ==',
    }),
    `  409 then MERGE: another user proves 王五, whom the ticket user verified (with mobile ${HOLDER_MOBILE}): 409 names that`,
    '  user (masked mobile, guid); the MERGE code goes to their mobile (one code per number a minute: 429 means wait),',
    '  and MERGE with the same authInfo moves 王五 to the new user:',
    rnauth('merger', 'IMPORT', TICKET_IMPORT),
    post(`${UCENTER}/rnauth/mobile-code`, user.merger.access_token, JSON.stringify({ oldGuid: user.ticket.guid })),
    `  CODE=$(${readSmsCode(smsFileOf(HOLDER_MOBILE))})`,
    post(
      `${UCENTER}/rnauth`,
      user.merger.access_token,
      `{"rnAuthPatternCode":"MERGE","data":{"code":"'"$CODE"'","oldGuid":"${user.ticket.guid}","authInfo":${JSON.stringify(TICKET_IMPORT)}}}`,
    ),
    '  Refused (422 ROSTER.ID_MISMATCH: the roster holds another ID number for 150941):',
    rnauth('refused', 'IMPORT', { name: '刘小宝', identityNo: '410102198504120315', outid: '150941', customerCode: '1001' }),
    `  Result by ticket (app token from /api/platform/app-token; ${ticket} is an IMPORT the demo ran), at both paths:`,
    `  curl -s ${headers(app.access_token)} '${url}${UCENTER}/rnauth/result?rnAuthTicket=${ticket}'`,
    `  curl -s ${headers(app.access_token)} '${url}${UCENTER}/getresult?rnAuthTicket=${ticket}'`,
  ];
}
