import { randomBytes } from 'node:crypto';
import { authenticate } from './oss-auth';
import { OssError } from './oss-errors';
import { headersOf, objectKeyOfPath, queryParams } from './oss-request';
import { StsAuthority } from './sts-credentials';

// The real ali-oss client signs; its HTTP layer is replaced by a recorder (ali-oss's own `urllib`
// option), so these tests check this store against what the SDK actually sends.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const OSS = require('ali-oss') as new (options: Record<string, unknown>) => {
  put(name: string, body: Buffer, options?: Record<string, unknown>): Promise<unknown>;
  signatureUrl(name: string, options?: Record<string, unknown>): string;
  signatureUrlV4(method: string, expires: number, request: unknown, name: string): Promise<string>;
};

const BUCKET = 'kyc-auth-image';
const sts = new StsAuthority(randomBytes(32));
const credentials = (expiresInMs = 60_000) =>
  sts.mint({ subjectId: 's1', partnerId: 'p1', uid: 6, prefix: 'auth/6/', actions: ['put', 'get'], expiresAt: new Date(Date.now() + expiresInMs) });

interface Sent {
  url: string;
  params: { method: string; headers: Record<string, string> };
}

function recordingClient(c: ReturnType<typeof credentials>, options: Record<string, unknown> = {}) {
  const sent: Sent[] = [];
  const client = new OSS({
    endpoint: 'http://kyc.example.com',
    cname: true,
    bucket: BUCKET,
    region: 'oss-cn-hangzhou',
    accessKeyId: c.accessKeyId,
    accessKeySecret: c.accessKeySecret,
    stsToken: c.securityToken,
    refreshSTSTokenInterval: 60_000,
    urllib: {
      request: async (url: string, params: Sent['params']) => {
        sent.push({ url, params });
        return { status: 200, headers: {}, data: Buffer.alloc(0), res: { status: 200, headers: {} } };
      },
    },
    ...options,
  });
  return { client, sent };
}

/** What the store sees of a request the client sent (Node lower-cases header names). */
function asReceived(sent: Sent, change: (headers: Record<string, string>) => void = () => undefined) {
  const url = new URL(sent.url);
  const headers = Object.fromEntries(Object.entries(sent.params.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
  headers.host ??= url.host;
  change(headers);
  const original = `${url.pathname}${url.search}`;
  return { method: sent.params.method, headers: headersOf({ headers }), bucket: BUCKET, key: objectKeyOfPath(url.pathname, BUCKET)!, query: queryParams(original)! };
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    return (err as OssError).kind.code;
  }
};

describe('OSS request authentication against ali-oss', () => {
  const image = Buffer.from('not inspected here');

  it('when ali-oss puts with its default V1 signature and STS token, then the request authenticates to the grant', async () => {
    const { client, sent } = recordingClient(credentials());
    await client.put('auth/6/front.jpg', image);
    expect(authenticate(asReceived(sent[0]), sts)).toEqual(expect.objectContaining({ subjectId: 's1', prefix: 'auth/6/' }));
  });

  it('when ali-oss signs with V4 (authorizationV4), then the request authenticates too', async () => {
    const { client, sent } = recordingClient(credentials(), { authorizationV4: true });
    await client.put('auth/6/front.jpg', image);
    expect(sent[0].params.headers.authorization).toMatch(/^OSS4-HMAC-SHA256 /);
    expect(authenticate(asReceived(sent[0]), sts).uid).toBe(6);
  });

  it('when ali-oss talks to an IP endpoint (bucket in the Host header), then the key and signature still resolve', async () => {
    const { client, sent } = recordingClient(credentials(), { endpoint: 'http://127.0.0.1:8080', cname: false });
    await client.put('auth/6/front.jpg', image);
    expect(sent[0].params.headers.host).toBe(`${BUCKET}.oss-cn-hangzhou.aliyuncs.com`);
    expect(asReceived(sent[0]).key).toBe('auth/6/front.jpg');
    expect(codeOf(() => authenticate(asReceived(sent[0]), sts))).toBe('accepted');
  });

  it('when a V1 or V4 signed URL is used, then it authenticates until it expires', async () => {
    const { client } = recordingClient(credentials());
    const v1 = new URL(client.signatureUrl('auth/6/front.jpg', { expires: 60 }));
    const v4 = new URL(await client.signatureUrlV4('GET', 60, {}, 'auth/6/front.jpg'));
    for (const url of [v1, v4]) {
      const req = { method: 'GET', headers: headersOf({ headers: { host: url.host } }), bucket: BUCKET, key: objectKeyOfPath(url.pathname, BUCKET)!, query: queryParams(`${url.pathname}${url.search}`)! };
      expect(codeOf(() => authenticate(req, sts))).toBe('accepted');
      expect(codeOf(() => authenticate(req, sts, Date.now() + 120_000))).not.toBe('accepted');
    }
  });

  it('when the signature or a signed header was altered, then SignatureDoesNotMatch', async () => {
    const { client, sent } = recordingClient(credentials());
    await client.put('auth/6/front.jpg', image);
    const tampered = asReceived(sent[0], (h) => (h.authorization = h.authorization.replace(/.(=?)$/, (_, pad) => `${h.authorization.endsWith('A=') ? 'B' : 'A'}${pad}`)));
    expect(codeOf(() => authenticate(tampered, sts))).toBe('SignatureDoesNotMatch');
    expect(codeOf(() => authenticate(asReceived(sent[0], (h) => (h['content-type'] = 'text/plain')), sts))).toBe('SignatureDoesNotMatch');
    expect(codeOf(() => authenticate({ ...asReceived(sent[0]), key: 'auth/7/front.jpg' }, sts))).toBe('SignatureDoesNotMatch');
  });

  it('when the credentials have expired, then SecurityTokenExpired', async () => {
    const { client, sent } = recordingClient(credentials(1_000));
    await client.put('auth/6/front.jpg', image);
    expect(codeOf(() => authenticate(asReceived(sent[0]), sts, Date.now() + 5_000))).toBe('SecurityTokenExpired');
  });

  it('when the client clock is more than 15 minutes off, then RequestTimeTooSkewed', async () => {
    const { client, sent } = recordingClient(credentials(), { amendTimeSkewed: -20 * 60_000 });
    await client.put('auth/6/front.jpg', image);
    expect(codeOf(() => authenticate(asReceived(sent[0]), sts))).toBe('RequestTimeTooSkewed');
  });

  it("when another user's token is sent with these keys, or no token, or no signature, then the request is refused", async () => {
    const mine = credentials();
    const { client, sent } = recordingClient({ ...mine, securityToken: credentials().securityToken });
    await client.put('auth/6/front.jpg', image);
    expect(codeOf(() => authenticate(asReceived(sent[0]), sts))).toBe('AccessKeyIdAndSecurityTokenNotMatch');
    expect(codeOf(() => authenticate(asReceived(sent[0], (h) => delete h['x-oss-security-token']), sts))).toBe('InvalidSecurityToken');
    expect(codeOf(() => authenticate(asReceived(sent[0], (h) => delete h.authorization), sts))).toBe('AccessDenied');
  });

  it('when the token was minted by another gateway key, then InvalidSecurityToken', async () => {
    const foreign = new StsAuthority(randomBytes(32)).mint({ subjectId: 's1', partnerId: 'p1', uid: 6, prefix: 'auth/6/', actions: ['put'], expiresAt: new Date(Date.now() + 60_000) });
    const { client, sent } = recordingClient(foreign);
    await client.put('auth/6/front.jpg', image);
    expect(codeOf(() => authenticate(asReceived(sent[0]), sts))).toBe('InvalidSecurityToken');
  });
});
