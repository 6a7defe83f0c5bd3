/**
 * Seed 001 uploads: the unmodified ali-oss client, configured with the credentials of
 * /user/getsts and the platform's endpoint, writes and reads ID photos on the platform's
 * OSS-compatible store, which checks signatures (V1 and V4), security tokens, the user's prefix and
 * seed 002's content rules, and refuses in OSS's XML error format.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { findRepoRoot, Platform } from '@kyc/dev-platform';
import { appPartner, appUser, AppUser, getSts, ossClient, ossRefusal, StsCredentials } from '../support/app-auth';
import { bootPlatform, eventually, withMongo } from '../support/fixtures';
import { jpegImage, pngImage, textFile, truncatedJpeg } from '../support/images';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const urllib = require('urllib') as { request: (url: string, params: { headers: Record<string, string> }) => Promise<unknown> };

const MAX_BYTES = 2 * 1024 * 1024;
const OBJECT_TTL_SECONDS = 8;
let platform: Platform;
let alice: AppUser;
let bob: AppUser;

beforeAll(async () => {
  // A 2 MB photo limit keeps the oversized upload small; unbound objects live 8 s, swept every second.
  platform = await bootPlatform('apposs', {
    PHOTO_MAX_BYTES: String(MAX_BYTES),
    PHOTO_OBJECT_TTL_SECONDS: String(OBJECT_TTL_SECONDS),
    PHOTO_SWEEP_INTERVAL_SECONDS: '1',
    PHOTO_MAX_OBJECTS_PER_SUBJECT: '3',
  });
  const partner = await appPartner(platform, 'oss app');
  alice = await appUser(platform, partner, 'alice');
  bob = await appUser(platform, partner, 'bob');
});
afterAll(async () => {
  await platform?.stop();
});

/** The same store by IP address (getsts names it by host, as ali-oss makes signed URLs only for a named endpoint). */
const byIp = (c: StsCredentials) => c.endpoint.replace('localhost', '127.0.0.1');
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex').toUpperCase();

describe('seed 001: ali-oss against the platform with getsts credentials', () => {
  it('when ali-oss puts an ID photo under the user prefix (V1 signature), then it is stored and reads back byte for byte, by header and by signed URL', async () => {
    const creds = await getSts(platform, alice);
    expect(creds.AccessKeyId).toMatch(/^STS\./);
    expect(creds.prefix).toBe(`auth/${alice.uid}/`);
    const photo = jpegImage(320, 240, { seed: 7 });
    const client = ossClient(creds);
    const put = await client.put(`${creds.prefix}front.jpg`, photo);
    expect(put.res.status).toBe(200);
    expect(put.res.headers.etag).toBe(`"${md5(photo)}"`);
    expect(put.res.headers['x-oss-request-id']).toMatch(/^[0-9A-F]{24}$/);

    const got = await client.get(`${creds.prefix}front.jpg`);
    expect(Buffer.compare(got.content, photo)).toBe(0);
    expect(got.res.headers['content-type']).toBe('image/jpeg');
    const url = client.signatureUrl(`${creds.prefix}front.jpg`, { expires: 60 });
    const viaUrl = await fetch(url);
    expect(viaUrl.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await viaUrl.arrayBuffer()), photo)).toBe(0);
  });

  it('when ali-oss signs with V4 (authorizationV4), then the put and a V4 signed URL work too', async () => {
    const creds = await getSts(platform, alice);
    const photo = pngImage(200, 150, 9);
    const client = ossClient(creds, { authorizationV4: true });
    expect((await client.put(`${creds.prefix}back.png`, photo)).res.status).toBe(200);
    const url = await client.signatureUrlV4('GET', 60, {}, `${creds.prefix}back.png`);
    expect(url).toContain('x-oss-signature-version=OSS4-HMAC-SHA256');
    expect(Buffer.compare(Buffer.from(await (await fetch(url)).arrayBuffer()), photo)).toBe(0);
  });

  it('when ali-oss is given the IP endpoint without cname (bucket in Host), or path style (sldEnable), then it works as well', async () => {
    const creds = await getSts(platform, alice);
    const photo = jpegImage(64, 64, { seed: 3 });
    expect((await ossClient(creds, { endpoint: byIp(creds), cname: false }).put(`${creds.prefix}ip.jpg`, photo)).res.status).toBe(200);
    const pathStyle = ossClient(creds, { cname: false, sldEnable: true });
    expect((await pathStyle.put(`${creds.prefix}path.jpg`, photo)).res.status).toBe(200);
    expect(Buffer.compare((await pathStyle.get(`${creds.prefix}ip.jpg`)).content, photo)).toBe(0);
  });

  it('when the key is outside the user prefix, then AccessDenied (403)', async () => {
    const creds = await getSts(platform, alice);
    expect(await ossRefusal(ossClient(creds).put('auth/elsewhere/front.jpg', jpegImage()))).toEqual({ code: 'AccessDenied', status: 403 });
    expect(await ossRefusal(ossClient(creds).put('front.jpg', jpegImage()))).toEqual({ code: 'AccessDenied', status: 403 });
  });

  it("when another user's credentials are used for this user's prefix, then AccessDenied", async () => {
    const aliceCreds = await getSts(platform, alice);
    const bobCreds = await getSts(platform, bob);
    expect(await ossRefusal(ossClient(bobCreds).put(`${aliceCreds.prefix}front.jpg`, jpegImage()))).toEqual({ code: 'AccessDenied', status: 403 });
    expect(await ossRefusal(ossClient(bobCreds).get(`${aliceCreds.prefix}front.jpg`))).toEqual({ code: 'AccessDenied', status: 403 });
  });

  it('when the credentials have expired, then SecurityTokenExpired (403)', async () => {
    const carol = await appUser(platform, alice.partner, 'carol');
    // Credentials never outlive their session: end carol's session in 2 s, then mint.
    await withMongo((c) => c.db(platform.dbName('gateway')).collection('sessions').updateMany({ uid: carol.uid }, { $set: { expiresAt: new Date(Date.now() + 2_000) } }));
    const creds = await getSts(platform, carol);
    expect(Date.parse(creds.Expiration)).toBeLessThanOrEqual(Date.now() + 2_000);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await ossRefusal(ossClient(creds).put(`${creds.prefix}front.jpg`, jpegImage()))).toEqual({ code: 'SecurityTokenExpired', status: 403 });
  });

  it('when the signature is tampered with on the way, or made with a wrong secret, then SignatureDoesNotMatch (403)', async () => {
    const creds = await getSts(platform, alice);
    const tampering = {
      request: (url: string, params: { headers: Record<string, string> }) => {
        const auth = params.headers.authorization;
        params.headers.authorization = `${auth.slice(0, -2)}${auth.at(-2) === 'A' ? 'B' : 'A'}${auth.at(-1)}`;
        return urllib.request(url, params);
      },
    };
    expect(await ossRefusal(ossClient(creds, { urllib: tampering }).put(`${creds.prefix}front.jpg`, jpegImage()))).toEqual({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(await ossRefusal(ossClient({ ...creds, AccessKeySecret: 'not-the-secret' }).put(`${creds.prefix}front.jpg`, jpegImage()))).toEqual({
      code: 'SignatureDoesNotMatch',
      status: 403,
    });
  });

  it('when the body is not an image, or a truncated one, then InvalidArgument (400) whatever its name and type say', async () => {
    const creds = await getSts(platform, alice);
    const client = ossClient(creds);
    expect(await ossRefusal(client.put(`${creds.prefix}letter.jpg`, textFile(), { mime: 'image/jpeg' }))).toEqual({ code: 'InvalidArgument', status: 400 });
    expect(await ossRefusal(client.put(`${creds.prefix}half.jpg`, truncatedJpeg()))).toEqual({ code: 'InvalidArgument', status: 400 });
    expect(await ossRefusal(client.get(`${creds.prefix}letter.jpg`))).toEqual({ code: 'NoSuchKey', status: 404 });
  });

  it('when the body is larger than the photo limit, then EntityTooLarge (400)', async () => {
    const creds = await getSts(platform, alice);
    const huge = Buffer.concat([jpegImage(64, 64), Buffer.alloc(MAX_BYTES, 0x5a)]);
    expect(await ossRefusal(ossClient(creds).put(`${creds.prefix}huge.jpg`, huge))).toEqual({ code: 'EntityTooLarge', status: 400 });
  });

  it('when Content-MD5 does not match the bytes, then BadDigest (400) and the object is not stored', async () => {
    const creds = await getSts(platform, alice);
    const client = ossClient(creds);
    const wrongMd5 = createHash('md5').update('other bytes').digest('base64');
    expect(await ossRefusal(client.put(`${creds.prefix}digest.jpg`, jpegImage(), { headers: { 'Content-MD5': wrongMd5 } }))).toEqual({ code: 'BadDigest', status: 400 });
    expect(await ossRefusal(client.get(`${creds.prefix}digest.jpg`))).toEqual({ code: 'NoSuchKey', status: 404 });
  });

  it('when a user stores more unbound objects than the limit, then the oldest make room; when none is named by a step in time, they go', async () => {
    const dave = await appUser(platform, alice.partner, 'dave');
    const creds = await getSts(platform, dave);
    const client = ossClient(creds);
    for (const name of ['a', 'b', 'c', 'd']) await client.put(`${creds.prefix}${name}.jpg`, jpegImage(64, 64, { seed: name.charCodeAt(0) }));
    expect(await ossRefusal(client.get(`${creds.prefix}a.jpg`))).toEqual({ code: 'NoSuchKey', status: 404 });
    expect((await client.head(`${creds.prefix}d.jpg`)).res.status).toBe(200);
    await eventually(async () => ((await ossRefusal(client.get(`${creds.prefix}d.jpg`))).code === 'NoSuchKey' ? true : undefined), (OBJECT_TTL_SECONDS + 10) * 1000, 500);
  });

  it('when the upload script npm start prints is run, then it uploads with ali-oss and prints the key and a URL that shows the image', async () => {
    const file = path.join(platform.logDir, 'demo-front.png');
    fs.writeFileSync(file, pngImage(120, 90, 4));
    const script = path.join(findRepoRoot(), 'packages/dev-platform/dist/demo-oss-upload.js');
    const { stdout } = await promisify(execFile)(process.execPath, [script, platform.gatewayUrl, String(alice.uid), alice.token, file, 'demo-front.png']);
    const printed = JSON.parse(stdout) as { key: string; url: string };
    expect(printed.key).toBe(`auth/${alice.uid}/demo-front.png`);
    expect(Buffer.compare(Buffer.from(await (await fetch(printed.url)).arrayBuffer()), fs.readFileSync(file))).toBe(0);
  });

  it('when an object is read without a signature, then OSS XML AccessDenied', async () => {
    const creds = await getSts(platform, alice);
    const res = await fetch(`${creds.endpoint}/${creds.bucket}/${creds.prefix}front.jpg`);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/xml');
    expect(await res.text()).toMatch(/<Error>\s*<Code>AccessDenied<\/Code>[\s\S]*<RequestId>[0-9A-F]{24}<\/RequestId>/);
  });
});
