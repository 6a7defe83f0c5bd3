/**
 * Isolation on the real stack: every read path a partner, a user or a reviewer has, tried with
 * another user's and another partner's credentials. The other party sees nothing of the first: no
 * data, and no existence oracle (the same answer, status and body, as for a user or ticket that
 * does not exist, wherever the contract allows). Each row also reads as its owner does, so a row
 * cannot pass merely because nothing was there to see. A summary table is printed at the end.
 */
import { createPartner, mintAppSession, PartnerCredentials, Platform, registerCompanyKey, signBody } from '@kyc/dev-platform';
import { CompanyKeyPair, generateCompanyKeyPair, signedIdcardCheck } from '../support/alipay-signer';
import { getSts, ossClient, StsCredentials } from '../support/app-auth';
import { NotApplicable, observedCode, Observed, ossV1Request, RawRequest, send, Summary } from '../support/attack-cases';
import { bootPlatform, eventually } from '../support/fixtures';
import { idNumber } from '../support/identities';
import { jpegImage } from '../support/images';
import { makeCasePending, newReviewer, ReviewerClient } from '../support/review';

const ALL_FEATURES = 'user-validate,member-verify,idcard-check,campus-auth';
/** The sandbox ID authority confirms this person (see services/realname-pattern/README.md). */
const VERIFIED = { name: '张三', idNumber: idNumber('110101', '19900307', 123) };
const RNAUTH = '/api/ucenter-service-provider/api/user/rnauth';
const RESULT = '/api/ucenter-service-provider/api/user/rnauth/result';

type Session = { uid: number; token: string };

let platform: Platform;
let partnerA: PartnerCredentials;
let partnerB: PartnerCredentials;
let keyA: CompanyKeyPair;
let keyB: CompanyKeyPair;
/** A's user with data everywhere: a pending seed 002 case with photos, an uploaded object, a seed 003 ticket. */
let alice: Session;
/** Another user of A, with nothing. */
let bob: Session;
/** Partner B's user with the same partner user id as alice. */
let aliceAtB: Session;
/** Partner B's user with nothing (what "unknown" looks like from B). */
let carolAtB: Session;
let stsAlice: StsCredentials;
let stsBob: StsCredentials;
let stsAliceAtB: StsCredentials;
let aliceObject: string;
let ticket: string;
let appTokenA: string;
let appTokenB: string;
let reviewer: ReviewerClient;
let caseNumber: number;

const summary = new Summary('Isolation (observed: HTTP status, or status/contract code; "same" = identical to the answer for an unknown one)');
for (const column of ['owner', 'other user', 'other partner', 'no / foreign credentials']) summary.declare('000 member/status', column);

const NOT_EXPOSED: NotApplicable[] = [
  {
    attack: 'callback delivery log',
    contract: 'other partner',
    reason: 'not exposed to partners: the notifier keeps it behind gRPC (operators read it with the operator CLI); no partner route reads it',
  },
  { attack: 'reviewer scopes', contract: 'other user', reason: 'reviewers have no scopes: every active reviewer works the one queue; isolation is reviewer vs everyone else' },
];

const gw = (req: RawRequest) => send(platform.gatewayUrl, req);
const signedPost = (url: string, creds: PartnerCredentials, body: Record<string, unknown>) => gw({ url, json: signBody(creds, body) });
const fetchInfo = (s: Session) => gw({ url: `/user/validate/fetch_info/?user_sid=${encodeURIComponent(s.token)}` });
const fetchPhoto = (s: Session, type: number) => gw({ url: `/user/validate/fetch_photo/?user_sid=${encodeURIComponent(s.token)}&t_photo=${type}` });
const authInfo = (uid: number, token: string) => gw({ url: '/user/authinfoNew', json: { uid, token, local: 'en' } });
const memberStatus = (creds: PartnerCredentials, userId: string) => signedPost('/api/platform/member/status', creds, { user_id: userId, member: {} });
const idcardCheck = (creds: PartnerCredentials, key: CompanyKeyPair, biz: Record<string, unknown>) =>
  gw({ url: '/api/kycloud/open/v1.0/auth/idcard/check', form: new URLSearchParams(signedIdcardCheck(creds.app_id, key.privateKey, biz)) });
const rnauthResult = (token: string, t: string) => gw({ url: `${RESULT}?rnAuthTicket=${encodeURIComponent(t)}`, headers: { authorization: `Bearer ${token}`, 'x-deepcloud-from': 'client' } });
const ossGet = (creds: StsCredentials, key: string) => send('', ossV1Request(creds, { key }));

/** The part of an answer that must not differ between "someone else's" and "nobody's" (volatile ids removed). */
function comparable(o: Observed, drop: string[] = []): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => !drop.includes(k)).map(([k, x]) => [k, strip(x)]));
    return v;
  };
  // OSS error documents carry a fresh RequestId each time.
  const text = o.text.replace(/<RequestId>[^<]*<\/RequestId>/, '');
  return { status: o.status, body: o.json === undefined ? text : strip(o.json) };
}

beforeAll(async () => {
  platform = await bootPlatform('isolation');
  [partnerA, partnerB] = await Promise.all([createPartner(platform, 'partner A', ALL_FEATURES), createPartner(platform, 'partner B', ALL_FEATURES)]);
  [keyA, keyB] = [generateCompanyKeyPair(), generateCompanyKeyPair()];
  await Promise.all([registerCompanyKey(platform, partnerA.app_id, keyA.publicKeyPem), registerCompanyKey(platform, partnerB.app_id, keyB.publicKeyPem)]);
  [alice, bob, aliceAtB, carolAtB] = await Promise.all([
    mintAppSession(platform.gatewayUrl, partnerA, 'alice'),
    mintAppSession(platform.gatewayUrl, partnerA, 'bob'),
    mintAppSession(platform.gatewayUrl, partnerB, 'alice'),
    mintAppSession(platform.gatewayUrl, partnerB, 'carol'),
  ]);
  const appToken = async (creds: PartnerCredentials) => (await signedPost('/api/platform/app-token', creds, { grant_type: 'client_credentials' })).json.data.access_token as string;
  [appTokenA, appTokenB] = await Promise.all([appToken(partnerA), appToken(partnerB)]);

  // Objects first: a pending case locks the evidence, and getsts with it.
  [stsAlice, stsBob, stsAliceAtB] = await Promise.all([getSts(platform, alice), getSts(platform, bob), getSts(platform, aliceAtB)]);
  aliceObject = `${stsAlice.prefix}front.jpg`;
  await ossClient(stsAlice).put(aliceObject, jpegImage(320, 240, { seed: 5 }));

  // Seed 003: a verification of alice's (the roster is empty, so it fails, but its ticket is hers).
  const rn = await gw({
    url: RNAUTH,
    headers: { authorization: `Bearer ${alice.token}`, 'x-deepcloud-from': 'client' },
    json: { rnAuthPatternCode: 'IMPORT', data: { name: '刘大宝', identityNo: '410102198504120315', outid: '150940', customerCode: '1001' } },
  });
  ticket = rn.json?.data?.rnAuthTicket;
  if (!ticket) throw new Error(`rnauth gave no ticket: ${rn.status} ${rn.text}`);

  // Seed 000: dora (a user partner B never sent) is verified with partner A by the sandbox
  // authority, which also makes her a verified identity of A's for seed 004.
  const verify = await signedPost('/api/platform/member/verify', partnerA, {
    user_id: 'dora',
    tx_seq_no: 'iso-1',
    notify_url: 'http://127.0.0.1:9/notify',
    member: { id: 1, name: VERIFIED.name, identity_card_number: VERIFIED.idNumber },
  });
  if (verify.status !== 200) throw new Error(`member/verify refused: ${verify.text}`);
  await eventually(async () => ((await memberStatus(partnerA, 'dora')).json?.data?.status === 'success' ? true : undefined), 30_000);

  // Seed 002: alice's photos and a case pending review.
  caseNumber = (await makeCasePending(platform, alice.token, { name: '王小明', idcardNumber: idNumber('110101', '19880101', 7) })).caseNumber;
  reviewer = await newReviewer(platform, 'isolation reviewer');
});

afterAll(async () => {
  for (const n of NOT_EXPOSED) summary.notApplicable(n);
  process.stdout.write(`\n${summary.render()}\n\nNot exposed:\n${NOT_EXPOSED.map((n) => `  ${n.attack}: ${n.reason}`).join('\n')}\n`);
  await platform?.stop();
});

const record = (path: string, who: string, o: Observed, same?: boolean) => summary.record(path, who, `${observedCode(o)}${same === undefined ? '' : same ? ' same' : ' DIFFERENT'}`);

describe('a user’s status', () => {
  it('seed 000 member/status: partner B asking for A’s verified user (or for its own user with an id A also uses) gets exactly the answer for a user it never sent', async () => {
    const own = await memberStatus(partnerA, 'dora');
    expect(own.json.data).toMatchObject({ status: 'success', partner_user_id: 'dora' });
    const other = await memberStatus(partnerB, 'dora');
    const unknown = await memberStatus(partnerB, 'never-sent-anyone');
    record('000 member/status', 'owner', own);
    record('000 member/status', 'other partner', other, JSON.stringify(comparable(other)) === JSON.stringify(comparable(unknown)));
    expect(other.json).toEqual({ code: 400, data: null, message: '相关注册记录不存在' });
    expect(comparable(other)).toEqual(comparable(unknown));
    // B's own user with the same id as a user of A (alice), and another user of A: nothing of dora's either.
    const sameIdAtB = await memberStatus(partnerB, 'alice');
    record('000 member/status', 'other partner', sameIdAtB, JSON.stringify(comparable(sameIdAtB)) === JSON.stringify(comparable(unknown)));
    expect(comparable(sameIdAtB)).toEqual(comparable(unknown));
    const otherUser = await memberStatus(partnerA, 'bob');
    record('000 member/status', 'other user', otherUser, JSON.stringify(comparable(otherUser)) === JSON.stringify(comparable(unknown)));
    expect(comparable(otherUser)).toEqual(comparable(unknown));
  });

  it('seed 002 fetch_info: another user, and partner B’s user with alice’s user id, see an empty record like any fresh user', async () => {
    const own = await fetchInfo(alice);
    expect(own.json.response.validate_obj).toMatchObject({ validate_status: 1, id: caseNumber, name: '王小明' });
    const fresh = await fetchInfo(carolAtB);
    for (const [who, s] of [['other user', bob], ['other partner', aliceAtB]] as const) {
      const o = await fetchInfo(s);
      const same = JSON.stringify(comparable(o, ['uid'])) === JSON.stringify(comparable(fresh, ['uid']));
      record('002 fetch_info', who, o, same);
      expect(o.json.response.validate_obj).toEqual({ id: null, idcard_number: null, name: null, validate_status: 0, uid: s.uid });
      expect(o.json.response.validate_photos_uploaded).toEqual([]);
      expect(comparable(o, ['uid'])).toEqual(comparable(fresh, ['uid']));
    }
    record('002 fetch_info', 'owner', own);
  });

  it('seed 001 authinfoNew: alice’s uid with another user’s or another partner’s token is refused like a made-up token; their own answers show nothing of hers', async () => {
    const own = await authInfo(alice.uid, alice.token);
    expect(own.json.status).toBe(200);
    record('001 authinfoNew', 'owner', own);
    const madeUp = await authInfo(alice.uid, `${alice.token.slice(0, -4)}zzzz`);
    for (const [who, s] of [['other user', bob], ['other partner', aliceAtB]] as const) {
      const crossed = await authInfo(alice.uid, s.token);
      record('001 authinfoNew', who, crossed, JSON.stringify(comparable(crossed)) === JSON.stringify(comparable(madeUp)));
      expect(crossed.json).toMatchObject({ status: -1001, attachment: null });
      expect(comparable(crossed)).toEqual(comparable(madeUp));
      const theirs = await authInfo(s.uid, s.token);
      const fresh = await authInfo(carolAtB.uid, carolAtB.token);
      record('001 authinfoNew', who, theirs, JSON.stringify(comparable(theirs, ['uid'])) === JSON.stringify(comparable(fresh, ['uid'])));
      expect(theirs.json.status).toBe(200);
      expect(comparable(theirs, ['uid'])).toEqual(comparable(fresh, ['uid']));
    }
  });

  it('seed 003 result: partner B’s app token gets alice’s ticket exactly as an unknown ticket; a user token gets 401', async () => {
    const own = await rnauthResult(appTokenA, ticket);
    expect(own.status).toBe(200);
    record('003 result by ticket', 'owner', own);
    const other = await rnauthResult(appTokenB, ticket);
    const unknown = await rnauthResult(appTokenB, `${ticket.slice(0, -4)}0000`);
    record('003 result by ticket', 'other partner', other, JSON.stringify(comparable(other)) === JSON.stringify(comparable(unknown)));
    expect(other.json).toEqual({ code: 404, message: 'rnAuthTicket 不存在', data: {} });
    expect(comparable(other)).toEqual(comparable(unknown));
    const byUser = await rnauthResult(bob.token, ticket);
    record('003 result by ticket', 'other user', byUser);
    expect(byUser.json).toEqual({ code: 401, message: 'access_token 无效或已过期', data: {} });
  });
});

describe('photos', () => {
  it('seed 002 fetch_photo: another user and partner B’s alice get 404 for the photo types alice uploaded, as for types nobody uploaded', async () => {
    const own = await fetchPhoto(alice, 0);
    expect(own.status).toBe(200);
    record('002 fetch_photo', 'owner', own);
    const none = await fetchPhoto(carolAtB, 0);
    for (const [who, s] of [['other user', bob], ['other partner', aliceAtB]] as const) {
      for (const type of [0, 1]) {
        const o = await fetchPhoto(s, type);
        record('002 fetch_photo', who, o, JSON.stringify(comparable(o)) === JSON.stringify(comparable(none)));
        expect(comparable(o)).toEqual(comparable(none));
        expect(o.status).toBe(404);
      }
    }
  });

  it('object routes: another user’s and another partner’s upload credentials get the same AccessDenied for alice’s object as for a key that does not exist', async () => {
    const own = await ossGet(stsAlice, aliceObject);
    expect(own.status).toBe(200);
    record('OSS GET object', 'owner', own);
    for (const [who, creds] of [['other user', stsBob], ['other partner', stsAliceAtB]] as const) {
      const existing = await ossGet(creds, aliceObject);
      const missing = await ossGet(creds, `${stsAlice.prefix}never-uploaded.jpg`);
      record('OSS GET object', who, existing, JSON.stringify(comparable(existing)) === JSON.stringify(comparable(missing)));
      expect(existing.status).toBe(403);
      expect(existing.text).toContain('<Code>AccessDenied</Code>');
      expect(comparable(existing)).toEqual(comparable(missing));
    }
  });
});

describe('identities (seed 004)', () => {
  it('partner B looking up A’s verified user by userId or by ID number gets "user not existed", as for anyone unknown', async () => {
    const own = await eventually(async () => {
      const o = await idcardCheck(partnerA, keyA, { userId: 'dora' });
      return o.json?.object?.isAuth === true ? o : undefined;
    }, 30_000);
    expect(own.json.object).toMatchObject({ userId: 'dora', cardNumber: VERIFIED.idNumber, isAuth: true });
    record('004 idcard/check', 'owner', own);
    const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
      ['other partner (userId)', { userId: 'dora' }, { userId: 'never-sent-anyone' }],
      ['other partner (cardNumber)', { cardNumber: VERIFIED.idNumber }, { cardNumber: idNumber('110101', '19900307', 124) }],
    ];
    for (const [who, probe, unknownProbe] of cases) {
      const other = await idcardCheck(partnerB, keyB, probe);
      const unknown = await idcardCheck(partnerB, keyB, unknownProbe);
      record('004 idcard/check', 'other partner', other, JSON.stringify(comparable(other)) === JSON.stringify(comparable(unknown)));
      expect(other.json).toMatchObject({ success: false, code: 'open_auth_user_not_existed_error', object: null });
      expect(comparable(other)).toEqual(comparable(unknown));
    }
  });

  it('A asking about another of its own users, not verified, gets isAuth false and nothing of that user', async () => {
    const bobs = await idcardCheck(partnerA, keyA, { userId: 'bob' });
    expect(bobs.json.object).toMatchObject({ userId: 'bob', isAuth: false, cardNumber: '', name: '' });
    summary.record('004 idcard/check', 'other user', `own unverified user: isAuth ${bobs.json.object.isAuth}`);
  });
});

describe('tickets and reviewer views', () => {
  it('the reviewer API refuses unsigned requests and partner or user credentials on every read path, in its own shape', async () => {
    const own = await reviewer.get('/reviewer/v1/cases');
    const pending = (own.body.cases as { case_id: string; case_number: number }[]).find((c) => c.case_number === caseNumber);
    expect(pending).toBeDefined();
    record('reviewer cases', 'owner', { status: own.status, text: '', json: own.body });
    const paths = ['/reviewer/v1/cases', `/reviewer/v1/cases/${pending!.case_id}`, `/reviewer/v1/cases/${pending!.case_id}/photos/0`, '/reviewer/v1/me'];
    const tokens: [string, string | null][] = [
      ['unsigned', null],
      ['partner secret', partnerA.app_secret],
      ['user session', alice.token],
      ['app token', appTokenA],
    ];
    for (const [who, token] of tokens) {
      for (const p of paths) {
        const res = await reviewer.call(p, { token });
        const o: Observed = { status: res.status, text: '', json: await res.json() };
        summary.record('reviewer cases', 'no / foreign credentials', `${who}: ${observedCode(o)}`);
        expect(o.status).toBe(401);
        expect(o.json).toEqual({ error: { code: 'KYC.REVIEWER.UNAUTHENTICATED', message: expect.any(String) } });
      }
    }
  });

  it('the reviewer API is not served on the partner port: case lists and photos are not found there, even with a reviewer token', async () => {
    const cases = await reviewer.call('/reviewer/v1/cases', { baseUrl: platform.gatewayUrl });
    const o: Observed = { status: cases.status, text: await cases.text() };
    summary.record('reviewer cases', 'no / foreign credentials', `reviewer token on the partner port: ${o.status}`);
    expect(o.status).toBe(404);
    expect(o.text).not.toContain('case_id');
  });
});
