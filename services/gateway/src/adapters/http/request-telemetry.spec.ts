import http from 'node:http';
import { AddressInfo } from 'node:net';
import express from 'express';
import { Registry } from 'prom-client';
import { requestTelemetry } from './request-telemetry';

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

describe('gateway request metrics', () => {
  it('when partners call routes with ids in their paths, then series are labelled by contract, seed, route pattern and status class, never by raw URL', async () => {
    const registry = new Registry();
    const app = express();
    app.use(requestTelemetry(registry, CONTRACTS));
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
