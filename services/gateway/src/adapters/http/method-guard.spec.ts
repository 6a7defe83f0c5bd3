import http from 'node:http';
import { AddressInfo } from 'node:net';
import express from 'express';
import { describedPaths, methodGuard } from './method-guard';

const doc = {
  paths: {
    '/api/platform/session': { post: {} },
    '/user/validate/fetch_info/': { get: {} },
    '/reviewer/v1/cases/{caseId}': { get: {} },
    '/reviewer/v1/cases/{caseId}/decision': { post: {}, parameters: [] },
  },
};

async function call(app: express.Express, method: string, path: string) {
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, { method });
    return { status: res.status, allow: res.headers.get('allow'), body: await res.text() };
  } finally {
    server.close();
  }
}

function appWith(include?: (p: string) => boolean) {
  const app = express();
  app.use(methodGuard(describedPaths(doc, include), (_req, res) => void res.status(405).json({ code: 405 })));
  app.use((_req, res) => void res.status(200).send('handled'));
  return app;
}

describe('method guard', () => {
  // Found by generated input (schemathesis): TRACE on a POST endpoint answered 404 "not found",
  // or the contract's 200 envelope, instead of 405 with Allow.
  it('when a described path is called with a method it does not describe, then it answers 405 with Allow', async () => {
    const res = await call(appWith(), 'DELETE', '/api/platform/session');
    expect(res.status).toBe(405);
    expect(res.allow).toBe('POST');
    expect(JSON.parse(res.body)).toEqual({ code: 405 });
  });

  it('when a GET path is called with HEAD, then it passes on (express serves HEAD from GET)', async () => {
    expect((await call(appWith(), 'HEAD', '/user/validate/fetch_info/')).status).toBe(200);
    expect((await call(appWith(), 'PUT', '/user/validate/fetch_info')).allow).toBe('GET, HEAD');
  });

  it('when a templated path is called, then any one segment matches the parameter and the described method passes', async () => {
    expect((await call(appWith(), 'POST', '/reviewer/v1/cases/abc-1/decision')).status).toBe(200);
    expect((await call(appWith(), 'GET', '/reviewer/v1/cases/abc-1/decision')).status).toBe(405);
    expect((await call(appWith(), 'PATCH', '/reviewer/v1/cases/abc-1')).allow).toBe('GET, HEAD');
  });

  it('when the path is not described (or filtered out), then the request passes on untouched', async () => {
    expect((await call(appWith(), 'DELETE', '/auth/6/front.jpg')).status).toBe(200);
    expect((await call(appWith((p) => !p.startsWith('/reviewer/')), 'PATCH', '/reviewer/v1/cases/abc-1')).status).toBe(200);
  });
});
