import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { createLogger } from '@kyc/core';
import { CONSOLE_CSP } from './console-routes';
import { createReviewerApp } from './reviewer-app';

const silent = createLogger('console-routes-spec', 'silent');

/** A reviewer app serving a console built into `dir`; no reviewer is ever authenticated. */
async function serve(dir: string) {
  const app = createReviewerApp({
    logger: silent,
    metrics: new Registry(),
    reviewers: { authenticate: async () => undefined },
    clients: {} as never,
    isReady: () => true,
    consoleDir: dir,
  });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    get: (p: string) => fetch(`${base}${p}`, { redirect: 'manual' }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('reviewer console static files', () => {
  let dir: string;
  let api: Awaited<ReturnType<typeof serve>>;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="/console/assets/index-Bmh05nmI.js"></script>');
    fs.writeFileSync(path.join(dir, 'assets', 'index-Bmh05nmI.js'), 'console.log(1)');
  });
  afterEach(async () => {
    await api?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when the console page is asked for without a token, then it is served with a strict CSP and is never cached', async () => {
    api = await serve(dir);
    const res = await api.get('/console/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("default-src 'none'");
    expect(CONSOLE_CSP).toContain("img-src 'self' blob:");
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('when a content-hashed bundle is asked for, then browsers may keep it, under the same CSP', async () => {
    api = await serve(dir);
    const res = await api.get('/console/assets/index-Bmh05nmI.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
  });

  it('when the port root or /console is opened, then the browser is sent to /console/', async () => {
    api = await serve(dir);
    for (const p of ['/', '/console']) {
      const res = await api.get(p);
      expect([301, 302]).toContain(res.status);
      expect(res.headers.get('location')).toBe('/console/');
    }
  });

  it('when the console is not built, then /console/ is a plain 404 and the API still asks for a token', async () => {
    api = await serve(path.join(dir, 'missing'));
    expect((await api.get('/console/')).status).toBe(404);
    expect((await api.get('/reviewer/v1/cases')).status).toBe(401);
  });
});
