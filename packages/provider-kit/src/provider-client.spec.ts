import http from 'node:http';
import { AddressInfo } from 'node:net';
import { KycError, Logger } from '@kyc/core';
import { ProviderClient, ProviderClientSettings } from './provider-client';
import { providerErrorCodes } from './provider-errors';

/** A real local server answering from a script: a status, or 'hang' (never answers). */
type Step = number | 'hang';
let server: http.Server;
let url: string;
let script: Step[] = [];
let fallback: Step = 200;
let received: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(body);
      const step = script.length ? script.shift()! : fallback;
      if (step === 'hang') return;
      res.writeHead(step, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ answer: received.length }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  script = [];
  fallback = 200;
  received = [];
});

const lines: string[] = [];
const log = (level: string) => (obj: object | string, msg?: string) => void lines.push(`${level} ${JSON.stringify(obj)} ${msg ?? ''}`);
const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => logger };

const SETTINGS: ProviderClientSettings = {
  // Generous: a first request on a loaded machine (tests run in parallel) can take a few hundred ms.
  timeoutMs: 1_500,
  retries: 2,
  retryBaseMs: 10,
  breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 400 },
};
const clients: ProviderClient[] = [];
function newClient(settings: Partial<ProviderClientSettings> = {}, results: string[] = []) {
  const client = new ProviderClient({
    ...SETTINGS,
    ...settings,
    name: 'demo',
    errors: providerErrorCodes('DEMO'),
    logger,
    onResult: (result) => void results.push(result),
  });
  clients.push(client);
  return client;
}
afterEach(() => clients.splice(0).forEach((c) => c.shutdown()));

/** One call with a secret in its body; the answer's `answer` field is how many requests the server saw. */
const ask = (client: ProviderClient, idempotent: boolean, target = url) =>
  client.call({
    operation: 'ask',
    idempotent,
    request: () => ({ url: target, body: 'secret=s3cr3t' }),
    interpret: (a) => {
      if (a.status !== 200) throw client.refused(`HTTP ${a.status}`);
      return client.json<{ answer: number }>(a).answer;
    },
    outcome: (n) => (n > 0 ? 'answered' : 'empty'),
  });
const failure = (p: Promise<unknown>) => p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as KycError,
  );

describe('ProviderClient', () => {
  it('when the provider answers 200, then the value is what interpret made of it and onResult gets its outcome', async () => {
    const results: string[] = [];
    expect(await ask(newClient({}, results), true)).toBe(1);
    expect(results).toEqual(['answered']);
  });

  it('when the provider does not answer within the timeout, then the call fails with TIMEOUT after one attempt', async () => {
    script = ['hang'];
    const err = await failure(ask(newClient({ timeoutMs: 300 }), true));
    expect(err).toMatchObject({ code: 'KYC.DEMO.TIMEOUT', kind: 'unavailable', retriable: true });
    expect(received).toHaveLength(1);
  });

  it('when an idempotent call gets 502 then 200, then it is retried and succeeds', async () => {
    script = [502];
    expect(await ask(newClient(), true)).toBe(2);
    expect(received).toHaveLength(2);
    expect(lines.join('\n')).toContain('provider call failed; retrying');
  });

  it('when an idempotent call keeps getting 503, then it stops after the configured retries with UNAVAILABLE', async () => {
    fallback = 503;
    const err = await failure(ask(newClient({ retries: 2 }), true));
    expect(err.code).toBe('KYC.DEMO.UNAVAILABLE');
    expect(received).toHaveLength(3);
  });

  it('when a call that is not idempotent gets 502, then it is not sent again', async () => {
    script = [502];
    const err = await failure(ask(newClient(), false));
    expect(err.code).toBe('KYC.DEMO.UNAVAILABLE');
    expect(received).toHaveLength(1);
  });

  it('when the connection is refused, then even a call that is not idempotent is tried again, retries+1 times in all', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
    await new Promise((r) => closed.close(r));
    lines.length = 0;
    const err = await failure(ask(newClient({ retries: 2 }), false, deadUrl));
    expect(err).toMatchObject({ code: 'KYC.DEMO.UNAVAILABLE', message: 'demo: connection refused' });
    expect(lines.filter((l) => l.includes('retrying'))).toHaveLength(2);
  });

  it('when the provider refuses the call (4xx), then the error is the caller\'s REFUSED and it is not retried', async () => {
    script = [403];
    const err = await failure(ask(newClient(), true));
    expect(err.code).toBe('KYC.DEMO.REFUSED');
    expect(received).toHaveLength(1);
  });

  it('when the provider keeps failing, then the breaker opens, calls fail fast without reaching it, and a success after the reset closes it', async () => {
    const results: string[] = [];
    const client = newClient({ retries: 0 }, results);
    lines.length = 0;
    fallback = 500;
    for (let i = 0; i < 3; i++) await failure(ask(client, true));
    const reached = received.length;

    const fast = await failure(ask(client, true));
    expect(fast).toMatchObject({ code: 'KYC.DEMO.BREAKER_OPEN', retriable: true });
    expect(received).toHaveLength(reached);
    expect(results).toEqual(['error', 'error', 'error', 'breaker-open']);

    fallback = 200;
    await new Promise((r) => setTimeout(r, 450));
    expect(await ask(client, true)).toBe(reached + 1);
    const log = lines.join('\n');
    expect(log).toMatch(/warn \{"callee":"demo"\} circuit breaker opened/);
    expect(log).toMatch(/info \{"callee":"demo"\} circuit breaker closed/);
  });

  it('when the request is rejected by interpret with a non-provider error, then the breaker does not count it', async () => {
    const client = newClient({ retries: 0 });
    for (let i = 0; i < 5; i++) {
      await failure(
        client.call({
          operation: 'bad-input',
          idempotent: true,
          request: () => ({ url }),
          interpret: () => {
            throw new KycError('KYC.DEMO.BAD_MOBILE', 'bad mobile', { kind: 'invalid_argument' });
          },
        }),
      );
    }
    expect(await ask(client, true)).toBeGreaterThan(0);
  });

  it('when anything goes wrong, then neither the request body nor its secrets reach the log', async () => {
    script = [502, 'hang'];
    await failure(ask(newClient(), true));
    expect(lines.join('\n')).not.toContain('s3cr3t');
  });
});
