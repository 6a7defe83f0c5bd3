/**
 * Seed 004 end to end: a company (a partner granted idcard-check, with its RSA public key
 * registered by the operator CLI) queries the identities verified under it, signing with its own
 * key by the Alipay open-platform rule; the photo URLs in the answer are short-lived.
 */
import { randomUUID } from 'node:crypto';
import { Metadata, ServiceError } from '@grpc/grpc-js';
import { identity } from '@kyc/contracts';
import { createPartner, mintSession, PartnerCredentials, Platform, registerCompanyKey, startPlatform } from '@kyc/dev-platform';
import { subjectOf } from '../support/events';
import { infra, uniqueNamespace } from '../support/fixtures';
import { idNumber } from '../support/identities';
import { jpegImage, photoForm } from '../support/images';
import { bareBase64, chinaTimestamp, CompanyKeyPair, generateCompanyKeyPair, signedIdcardCheck } from '../support/alipay-signer';

/** Short enough to watch a photo URL expire within the test. */
const URL_TTL_SECONDS = 6;

interface Company {
  creds: PartnerCredentials;
  keys: CompanyKeyPair;
}

let platform: Platform;
let companyA: Company;
let companyB: Company;
const verified = { userId: `a-user-${randomUUID().slice(0, 8)}`, name: '张三', idNumber: idNumber('110101', '19900307', 123) };
const photoBytes = jpegImage(320, 240, { seed: 7 });
let subjectId: string;

async function newCompany(name: string, keyForm: 'pem' | 'bare' = 'pem'): Promise<Company> {
  const creds = await createPartner(platform, name, 'idcard-check,user-validate');
  const keys = generateCompanyKeyPair();
  const registered = await registerCompanyKey(platform, creds.app_id, keyForm === 'pem' ? keys.publicKeyPem : bareBase64(keys.publicKeyPem));
  expect(registered).toEqual({ company_id: creds.app_id, fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/), idcard_check: true });
  return { creds, keys };
}

/** What realname-pattern does when a verification succeeds: record the identity with identity-lookup. */
function recordVerifiedIdentity(req: Partial<identity.RecordVerifiedIdentityRequest>): Promise<identity.RecordVerifiedIdentityResponse> {
  const client = new identity.IdentityLookupServiceClient(
    platform.grpcTargets['identity-lookup'],
    platform.pki.credentialsFor('realname-pattern', 'identity-lookup'),
    platform.pki.channelOptions('identity-lookup'),
  );
  const full = identity.RecordVerifiedIdentityRequest.fromPartial(req);
  return new Promise((resolve, reject) =>
    client.recordVerifiedIdentity(full, new Metadata(), { deadline: Date.now() + 10_000 }, (err: ServiceError | null, res) => {
      client.close();
      if (err) reject(err);
      else resolve(res);
    }),
  );
}

type Envelope = { code: string | null; success: boolean; message: string | null; object: Record<string, unknown> | null };

async function check(params: Record<string, string>, as: 'form' | 'json' = 'form'): Promise<Envelope> {
  const res = await fetch(`${platform.gatewayUrl}/api/kycloud/open/v1.0/auth/idcard/check`, {
    method: 'POST',
    headers: { 'content-type': as === 'form' ? 'application/x-www-form-urlencoded;charset=utf-8' : 'application/json' },
    body: as === 'form' ? new URLSearchParams(params).toString() : JSON.stringify(params),
  });
  expect(res.status).toBe(200); // outcomes are in the envelope, as Alipay-style SDKs expect
  return (await res.json()) as Envelope;
}

/** The photo URL as handed out, fetched from this platform's gateway (its public base URL is not configured in tests). */
const fetchPhotoUrl = (url: string) => {
  const { pathname } = new URL(url);
  return fetch(`${platform.gatewayUrl}${pathname}`);
};

/** Age in whole years on today's date in China, computed here from the birth date. */
function ageToday(birth: string): string {
  const today = chinaTimestamp().slice(0, 10);
  const years = Number(today.slice(0, 4)) - Number(birth.slice(0, 4));
  return String(today.slice(5) < birth.slice(5) ? years - 1 : years);
}

beforeAll(async () => {
  platform = await startPlatform({ ...infra(), namespace: uniqueNamespace('idcard'), env: { SIGNED_URL_TTL_SECONDS: String(URL_TTL_SECONDS) } });
  companyA = await newCompany('company A');
  companyB = await newCompany('company B', 'bare');

  // A user of company A uploads the ID card front (seed 002) and is verified.
  const sid = await mintSession(platform.gatewayUrl, companyA.creds, verified.userId);
  const form = photoForm(photoBytes);
  const uploaded = await fetch(`${platform.gatewayUrl}/user/validate/submit_photo/?user_sid=${encodeURIComponent(sid)}&t_photo=1`, {
    method: 'POST',
    headers: { 'content-type': form.contentType },
    body: form.body,
  });
  expect(((await uploaded.json()) as { response: { result: number } }).response.result).toBe(200);
  subjectId = (await subjectOf(platform, sid)).subjectId;
});
afterAll(async () => {
  await platform?.stop();
});

const expectedObject = () => ({
  userId: verified.userId,
  name: verified.name,
  cardNumber: verified.idNumber,
  address: '北京市东城区',
  age: ageToday('1990-03-07'),
  cardFrontUrl: expect.stringMatching(/\/api\/kycloud\/open\/v1\.0\/files\/[A-Za-z0-9_-]+$/),
  cardBackUrl: '',
  startTime: '2015-06-01',
  entTime: '2035-06-01',
  isAuth: true,
});

describe('seed 004: requests a company signs', () => {
  it('when bizContent is changed after signing, then the signature is refused and nothing is answered', async () => {
    const params = signedIdcardCheck(companyA.creds.app_id, companyA.keys.privateKey, { cardNumber: idNumber('110101', '19900307', 124) });
    const body = await check({ ...params, bizContent: JSON.stringify({ cardNumber: verified.idNumber }) });
    expect(body).toMatchObject({ code: 'open_sign_error', success: false, object: null });
  });

  it("when company B signs a request in company A's name, then the signature is refused", async () => {
    const body = await check(signedIdcardCheck(companyA.creds.app_id, companyB.keys.privateKey, { cardNumber: verified.idNumber }));
    expect(body).toMatchObject({ code: 'open_sign_error', success: false, object: null });
  });

  it('when the timestamp is ten minutes old, then the request has expired', async () => {
    const body = await check(signedIdcardCheck(companyA.creds.app_id, companyA.keys.privateKey, { cardNumber: verified.idNumber }, { at: Date.now() - 600_000 }));
    expect(body).toEqual({ code: 'open_request_expired', success: false, message: '请求过期,请求重新发起', object: null });
  });

  it('when the company id is unknown, then the company does not exist', async () => {
    const body = await check(signedIdcardCheck('19990101000000001', companyA.keys.privateKey, { cardNumber: verified.idNumber }));
    expect(body).toMatchObject({ code: 'open_company_not_existed_error', success: false, object: null });
  });

  it.each([
    ['neither cardNumber nor userId', {}],
    ['both cardNumber and userId', { cardNumber: verified.idNumber, userId: verified.userId }],
  ])('when bizContent has %s, then the parameters are refused', async (_what, biz) => {
    const body = await check(signedIdcardCheck(companyA.creds.app_id, companyA.keys.privateKey, biz));
    expect(body).toMatchObject({ code: 'open_param_error', success: false, object: null });
  });
});

describe('seed 004: a company queries verified identities', () => {
  beforeAll(async () => {
    const recorded = await recordVerifiedIdentity({
      partnerId: companyA.creds.app_id,
      subjectId,
      name: verified.name,
      idNumber: verified.idNumber,
      documentValidFrom: '2015-06-01',
      documentValidTo: '2035-06-01',
      cardFrontPhotoId: `${subjectId}:1`,
      cardBackPhotoId: '',
      method: 'MANUAL',
      verificationId: randomUUID(),
      verifiedAt: new Date(),
    });
    expect(recorded.conflict).toBe(false);
  });

  it('when the company asks by cardNumber with an RSA2-signed form, then it gets the verified identity, every field', async () => {
    const body = await check(signedIdcardCheck(companyA.creds.app_id, companyA.keys.privateKey, { cardNumber: verified.idNumber }));
    expect(body).toEqual({ code: null, success: true, message: null, object: expectedObject() });
    expect(body.object!.cardFrontUrl).not.toContain(subjectId);
  });

  it('when the company asks by userId as JSON, then it gets the same identity', async () => {
    const body = await check(signedIdcardCheck(companyA.creds.app_id, companyA.keys.privateKey, { userId: verified.userId }), 'json');
    expect(body).toEqual({ code: null, success: true, message: null, object: expectedObject() });
  });

  it('when the company signs with RSA (SHA1withRSA), then the answer is the same', async () => {
    const body = await check(signedIdcardCheck(companyA.creds.app_id, companyA.keys.privateKey, { cardNumber: verified.idNumber }, { signType: 'RSA' }));
    expect(body.success).toBe(true);
    expect(body.object).toEqual(expectedObject());
  });

  it('when the company asks about a user it sent but who is not verified, then isAuth is false and nothing else is told', async () => {
    const other = `a-user-${randomUUID().slice(0, 8)}`;
    await mintSession(platform.gatewayUrl, companyA.creds, other);
    const body = await check(signedIdcardCheck(companyA.creds.app_id, companyA.keys.privateKey, { userId: other }));
    expect(body.success).toBe(true);
    expect(body.object).toEqual({ userId: other, name: '', cardNumber: '', address: '', age: '', cardFrontUrl: '', cardBackUrl: '', startTime: '', entTime: '', isAuth: false });
  });

  it("when another company asks for company A's user or ID number, then the user does not exist for it", async () => {
    for (const biz of [{ userId: verified.userId }, { cardNumber: verified.idNumber }]) {
      const body = await check(signedIdcardCheck(companyB.creds.app_id, companyB.keys.privateKey, biz));
      expect(body).toEqual({ code: 'open_auth_user_not_existed_error', success: false, message: '用户不存在', object: null });
    }
  });

  it('when the company fetches the photo URL, then it gets the uploaded bytes; altered or expired, it gets nothing', async () => {
    const body = await check(signedIdcardCheck(companyA.creds.app_id, companyA.keys.privateKey, { userId: verified.userId }));
    const url = body.object!.cardFrontUrl as string;

    const photo = await fetchPhotoUrl(url);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    expect(photo.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await photo.arrayBuffer())).toEqual(photoBytes);

    const token = url.slice(url.lastIndexOf('/') + 1);
    const altered = `${url.slice(0, url.lastIndexOf('/') + 1)}${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    const refused = await fetchPhotoUrl(altered);
    expect(refused.status).toBe(404);
    expect(await refused.text()).toBe('');

    await new Promise((r) => setTimeout(r, (URL_TTL_SECONDS + 1) * 1000));
    const expired = await fetchPhotoUrl(url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toBe('');
  });
});
