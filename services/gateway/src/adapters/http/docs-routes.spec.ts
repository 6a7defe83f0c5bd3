import { createHmac, createPrivateKey, createPublicKey, createSign } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import express from 'express';
import { PARTNER_CONTRACTS } from '../../contracts/registry';
import { alipaySignatureMatches, alipaySignContent } from '../../domain/alipay-signature';
import { sign, signString } from '../../domain/request-signing';
import { docsRoutes } from './docs-routes';
import { loadOpenApiDocument } from './openapi-routes';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const doc: Doc = loadOpenApiDocument(PARTNER_CONTRACTS.map((c) => c.openapiFragment));

/** The labelled code blocks after "#### Worked signing example": "Label:" then a fenced block. */
function workedExample(markdown: string): Record<string, string> {
  const at = markdown.indexOf('#### Worked signing example');
  if (at < 0) throw new Error('no worked signing example');
  const blocks: Record<string, string> = {};
  for (const m of markdown.slice(at).matchAll(/^([^\n]+):\n\n```[a-z]*\n([\s\S]*?)\n```/gm)) blocks[m[1]] = m[2];
  return blocks;
}
const tagDescription = (name: string): string => (doc.tags as { name: string; description: string }[]).find((t) => t.name === name)!.description;

describe('worked signing examples in the API reference', () => {
  it('when the seed 000 request example is signed with the documented secret, then the documented string and sign come out', () => {
    const ex = workedExample(tagDescription('member-status'));
    const params = JSON.parse(ex['Parameters (the JSON body without `sign`)']) as Record<string, unknown>;
    expect(signString(params)).toBe(ex['String to sign']);
    expect(sign(ex['Key (`app_secret`)'], params)).toBe(ex['Signature (`sign`)']);
    // The operation's request example is the same request, carrying that signature.
    const example = doc.paths['/api/platform/member/verify'].post.requestBody.content['application/json'].example;
    expect(example).toEqual({ ...params, sign: ex['Signature (`sign`)'] });
  });

  it('when the seed 000 notification is signed with the documented secret, then the documented string and sign come out', () => {
    const webhook = doc.webhooks.memberVerificationResult.post;
    const ex = workedExample(webhook.description);
    const fields = JSON.parse(ex['Parameters (the notification without `sign`)']) as Record<string, string>;
    // An independent implementation of the notifier's rule: sorted non-empty fields, HMAC-SHA1 hex.
    const text = Object.keys(fields)
      .filter((k) => fields[k] !== '')
      .sort()
      .map((k) => `${k}=${fields[k]}`)
      .join('&');
    expect(text).toBe(ex['String to sign']);
    expect(createHmac('sha1', ex['Key (`app_secret`)']).update(text, 'utf8').digest('hex')).toBe(ex['Signature (`sign`)']);
    expect(webhook.requestBody.content['application/json'].example).toEqual({ ...fields, sign: ex['Signature (`sign`)'] });
  });

  it('when the Standard Webhooks example is signed with the documented secret, then the documented webhook-signature comes out', () => {
    const webhook = doc.webhooks.verificationCompleted.post;
    const ex = workedExample(webhook.description);
    const content = `${ex['webhook-id']}.${ex['webhook-timestamp']}.${ex.Body}`;
    expect(content).toBe(ex['Signed content']);
    const key = Buffer.from(ex.Secret.replace(/^whsec_/, ''), 'base64');
    expect(`v1,${createHmac('sha256', key).update(content, 'utf8').digest('base64')}`).toBe(ex['webhook-signature']);
    const header = (name: string) => (webhook.parameters as { name: string; example: string }[]).find((p) => p.name === name)!.example;
    expect([header('webhook-id'), header('webhook-timestamp'), header('webhook-signature')]).toEqual([
      ex['webhook-id'],
      ex['webhook-timestamp'],
      ex['webhook-signature'],
    ]);
    expect(JSON.parse(ex.Body)).toEqual(webhook.requestBody.content['application/json'].example);
  });

  it('when the seed 004 parameters are signed with the documented RSA key, then the documented string and sign come out and verify', () => {
    const ex = workedExample(tagDescription('idcard-check'));
    const pem = ex["Key (the company's RSA private key, PKCS#8 PEM; its public key is what gets registered)"];
    const params = Object.fromEntries(
      ex['Parameters (the form fields without `sign`)'].split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(alipaySignContent(params)).toBe(ex['String to sign']);
    expect(createSign('RSA-SHA256').update(ex['String to sign'], 'utf8').sign(pem, 'base64')).toBe(ex['Signature (`sign`)']);
    const publicKey = createPublicKey(createPrivateKey(pem));
    expect(alipaySignatureMatches(params, 'RSA2', publicKey, ex['Signature (`sign`)'])).toBe(true);
  });
});

describe('API reference page', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    const app = express();
    app.use(docsRoutes());
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('when /docs is opened, then the page loads the renderer from the gateway itself under a CSP that allows nothing else', async () => {
    const res = await fetch(`${base}/docs`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    const html = await res.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual(['data:,', '/docs/scalar.js', '/docs/init.js']);
  });

  it('when the renderer and its settings are fetched, then they are served locally, reading /openapi.json without default fonts', async () => {
    const bundle = await fetch(`${base}/docs/scalar.js`);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    const init = await (await fetch(`${base}/docs/init.js`)).text();
    expect(init).toContain('"url":"/openapi.json"');
    expect(init).toContain('"withDefaultFonts":false');
  });
});

describe('contract sections', () => {
  it('when the reference is rendered, then every contract has a section named with its seed', () => {
    const names = (doc.tags as { name: string; 'x-displayName'?: string }[]).map((t) => t['x-displayName'] ?? t.name);
    for (const contract of PARTNER_CONTRACTS) expect(names.some((n) => n.startsWith(`Seed ${contract.seed} `))).toBe(true);
  });
});
