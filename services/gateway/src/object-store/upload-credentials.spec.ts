import { randomBytes } from 'node:crypto';
import { authenticate } from './oss-auth';
import { headersOf, objectKeyOfPath, queryParams } from './oss-request';
import { StsAuthority } from './sts-credentials';
import { uploadCredentials } from './upload-credentials';

const sts = new StsAuthority(randomBytes(32));
const store = uploadCredentials(sts, {
  bucket: 'kyc-auth-image',
  endpoint: 'https://kyc.example.com/',
  region: 'oss-cn-hangzhou',
  ttlSeconds: 900,
  urlTtlSeconds: 600,
  roleArn: 'acs:ram::1:role/upload',
});
const session = { subjectId: 's1', partnerId: 'p1', uid: 6, expiresAt: new Date(Date.now() + 3_600_000) };

describe('upload credentials (getsts)', () => {
  it('when minted, then they write only under the user prefix, say so in the policy and expire in the TTL', () => {
    const c = store.mintCredentials(session);
    expect(c.prefix).toBe('auth/6/');
    expect(JSON.parse(c.policy).Statement[0].Resource).toEqual(['acs:oss:*:*:kyc-auth-image/auth/6/*']);
    expect(c.endpoint).toBe('https://kyc.example.com');
    expect(Math.abs(c.expiresAt.getTime() - (Date.now() + 900_000))).toBeLessThan(2_000);
    expect(sts.open(c.securityToken)).toMatchObject({ ok: true, grant: { prefix: 'auth/6/', actions: ['put', 'get'] } });
  });

  it('when the session ends before the TTL, then the credentials end with it', () => {
    const ending = { ...session, expiresAt: new Date(Date.now() + 60_000) };
    expect(store.mintCredentials(ending).expiresAt.getTime()).toBeLessThanOrEqual(ending.expiresAt.getTime());
  });
});

describe('signed read URLs (authinfoNew)', () => {
  it('when a signed URL is fetched, then the store authenticates it as a read-only grant of the user', () => {
    const url = new URL(store.signedUrl(session, 'auth/6/front.jpg'));
    const grant = authenticate(
      { method: 'GET', headers: headersOf({ headers: { host: url.host } }), bucket: 'kyc-auth-image', key: objectKeyOfPath(url.pathname, 'kyc-auth-image')!, query: queryParams(`${url.pathname}${url.search}`)! },
      sts,
    );
    expect(grant).toMatchObject({ subjectId: 's1', actions: ['get'] });
  });
});

describe('object references (authnew steps 2-4)', () => {
  it.each([
    ['auth/6/front.jpg', 'auth/6/front.jpg'],
    ['/auth/6/front.jpg', 'auth/6/front.jpg'],
    ['https://kyc.example.com/auth/6/front.jpg?OSSAccessKeyId=x', 'auth/6/front.jpg'],
    ['http://127.0.0.1:8080/kyc-auth-image/auth/6/front.jpg', 'auth/6/front.jpg'],
    ['oss://kyc-auth-image/auth/6/front.jpg', 'auth/6/front.jpg'],
  ])('when the app names %s, then it is the key %s', (reference, key) => {
    expect(store.objectKeyOf(session, reference)).toEqual({ ok: true, key });
  });

  it("when the reference is another user's or another bucket's object, then it is foreign; when it is no key, malformed", () => {
    expect(store.objectKeyOf(session, 'auth/7/front.jpg')).toEqual({ ok: false, reason: 'foreign' });
    expect(store.objectKeyOf(session, 'oss://other-bucket/auth/6/front.jpg')).toEqual({ ok: false, reason: 'foreign' });
    expect(store.objectKeyOf(session, 'auth/6/../7/front.jpg')).toEqual({ ok: false, reason: 'malformed' });
    expect(store.objectKeyOf(session, 'https://[bad')).toEqual({ ok: false, reason: 'malformed' });
  });
});
