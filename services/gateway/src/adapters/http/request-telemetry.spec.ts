import http from 'node:http';
import { AddressInfo } from 'node:net';
import express from 'express';
import { Registry } from 'prom-client';
import { Logger } from '@kyc/core';
import { AccessLog, requestTelemetry } from './request-telemetry';

const CONTRACTS = [
  { name: 'ucenter', seed: '003', pathPrefixes: ['/v1/'] },
  { name: 'user-validate', seed: '002', pathPrefixes: ['/user/validate'] },
];

async function serve(app: express.Express, paths: string[]): Promise<void> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const p of paths) await (await fetch(`${base}${p}`)).text();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A logger that keeps what it was given, by level. */
function recordingLogger() {
  const lines: { level: string; obj: unknown; msg: string }[] = [];
  const at = (level: string) => (obj: unknown, msg: string) => void lines.push({ level, obj, msg });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') } as unknown as Logger };
}

function statusApp(registry: Registry, log: AccessLog, logger: Logger) {
  const app = express();
  app.use(requestTelemetry(registry, CONTRACTS, { logger, log }));
  app.get('/user/validate/fetch_info/', (req, res) => void res.status(req.query.user_sid === 'bad' ? 400 : req.query.user_sid === 'boom' ? 500 : 200).json({}));
  return app;
}

describe('gateway access log', () => {
  it('when status reads succeed, then by default nothing is logged, and refusals and failures are logged without the query string', async () => {
    const { lines, logger } = recordingLogger();
    await serve(statusApp(new Registry(), 'refusals', logger), ['/user/validate/fetch_info/?user_sid=ok', '/user/validate/fetch_info/?user_sid=bad', '/user/validate/fetch_info/?user_sid=boom']);
    expect(lines.map((l) => [l.level, l.msg, l.obj])).toEqual([
      ['warn', 'request completed', expect.objectContaining({ req: { method: 'GET', route: '/user/validate/fetch_info/' }, res: { status: 400 } })],
      ['error', 'request errored', expect.objectContaining({ req: { method: 'GET', route: '/user/validate/fetch_info/' }, res: { status: 500 } })],
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/user_sid|bad|boom/);
  });

  it("when operators ask for every request ('all'), then successes are logged too", async () => {
    const { lines, logger } = recordingLogger();
    await serve(statusApp(new Registry(), 'all', logger), ['/user/validate/fetch_info/?user_sid=ok']);
    expect(lines).toEqual([expect.objectContaining({ level: 'info', msg: 'request completed' })]);
  });
});

describe('gateway request metrics', () => {
  it('when partners call routes with ids in their paths, then series are labelled by contract, seed, route pattern and status class, never by raw URL', async () => {
    const registry = new Registry();
    const app = express();
    app.use(requestTelemetry(registry, CONTRACTS, { logger: recordingLogger().logger, log: 'refusals' }));
    const users = express.Router();
    users.get('/users/:guid', (req, res) => void res.status(req.params.guid === 'gone' ? 503 : 200).json({}));
    app.use('/v1', users);
    app.get('/user/validate/fetch_info/', (_req, res) => void res.json({}));

    await serve(app, ['/v1/users/u-1?access_token=t', '/v1/users/u-2', '/v1/users/gone', '/user/validate/fetch_info/?user_sid=s', '/nowhere/42']);

    const text = await registry.metrics();
    expect(text).toContain('gateway_http_request_duration_seconds_count{contract="ucenter",seed="003",route="/v1/users/:guid",method="GET",status_class="2xx"} 2');
    expect(text).toContain('gateway_http_request_duration_seconds_count{contract="ucenter",seed="003",route="/v1/users/:guid",method="GET",status_class="5xx"} 1');
    expect(text).toContain('gateway_http_request_duration_seconds_count{contract="user-validate",seed="002",route="/user/validate/fetch_info/",method="GET",status_class="2xx"} 1');
    expect(text).toContain('gateway_http_request_duration_seconds_count{contract="none",seed="none",route="unmatched",method="GET",status_class="4xx"} 1');
    expect(text).not.toMatch(/u-1|u-2|user_sid|access_token|nowhere/);
  });
});
