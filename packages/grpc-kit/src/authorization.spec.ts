import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ChannelCredentials,
  credentials,
  makeGenericClientConstructor,
  Metadata,
  ServerWritableStream,
  ServiceDefinition,
  ServiceError,
  status,
} from '@grpc/grpc-js';
import { ConfigError, createLogger } from '@kyc/core';
import { createClient } from './client';
import { checkGrpcHealth } from './health-probe';
import { createCertificateAuthority, IssuedCertificate } from './pki';
import { GrpcServerHandle, startGrpcServer } from './server';
import { ERROR_CODE_KEY } from './status';
import { authorizeCaller } from './authorization';
import { clientCredentials, identityOf, loadTlsMaterial, spiffeId, tlsChannelOptions, TlsMaterialProvider } from './tls';

const logger = createLogger('test', 'silent');

// A tiny service with a unary and a server-streaming method, JSON on the wire.
const json = { serialize: (v: unknown) => Buffer.from(JSON.stringify(v)), deserialize: (b: Buffer) => JSON.parse(b.toString()) as unknown };
const method = (name: string, responseStream: boolean) => ({
  path: `/test.Echo/${name}`,
  requestStream: false,
  responseStream,
  requestSerialize: json.serialize,
  requestDeserialize: json.deserialize,
  responseSerialize: json.serialize,
  responseDeserialize: json.deserialize,
});
const echoDefinition = { echo: method('Echo', false), count: method('Count', true) } as unknown as ServiceDefinition;
const EchoClient = makeGenericClientConstructor(echoDefinition, 'Echo');
type Echo = InstanceType<typeof EchoClient> & Record<string, (...args: unknown[]) => unknown>;

let gateway: IssuedCertificate;
let notifier: IssuedCertificate;
let own: IssuedCertificate;
let foreign: IssuedCertificate;
let server: GrpcServerHandle;
let target: string;

beforeAll(async () => {
  const ca = await createCertificateAuthority();
  [gateway, notifier, own] = await Promise.all(['gateway', 'notifier', 'realname-pattern'].map((s) => ca.issue(s, { hosts: ['127.0.0.1'] })));
  foreign = await (await createCertificateAuthority({ name: 'someone else' })).issue('gateway', { hosts: ['127.0.0.1'] });
  server = await startGrpcServer({
    port: 0,
    listen: { host: '127.0.0.1', healthHost: '127.0.0.1', healthPort: 0, allowedCallers: 'gateway' },
    tls: own,
    services: [
      {
        name: 'test.Echo',
        definition: echoDefinition,
        implementation: {
          echo: (call: { request: unknown }, cb: (e: null, r: unknown) => void) => cb(null, call.request),
          count: (call: ServerWritableStream<unknown, unknown>) => {
            call.write({ n: 1 });
            call.end();
          },
        },
      },
    ],
    logger,
  });
  target = `127.0.0.1:${server.port}`;
  // RSA key generation for four certificates: seconds on a busy machine.
}, 60_000);
afterAll(() => server?.shutdown(1_000));

const client = (creds: ChannelCredentials, to = target) => new EchoClient(to, creds, tlsChannelOptions('realname-pattern')) as Echo;

function unary(creds: ChannelCredentials, to = target): Promise<{ value?: unknown; error?: ServiceError }> {
  const c = client(creds, to);
  return new Promise((resolve) => {
    c.echo({ hello: 'world' }, new Metadata(), { deadline: Date.now() + 3_000 }, (error: ServiceError | null, value: unknown) => {
      c.close();
      resolve(error ? { error } : { value });
    });
  });
}

function streaming(creds: ChannelCredentials): Promise<{ values: unknown[]; error?: ServiceError }> {
  const c = client(creds);
  const values: unknown[] = [];
  return new Promise((resolve) => {
    const call = c.count({}, new Metadata(), { deadline: Date.now() + 3_000 }) as NodeJS.EventEmitter;
    call.on('data', (v: unknown) => values.push(v));
    call.on('error', (error: ServiceError) => (c.close(), resolve({ values, error })));
    call.on('end', () => (c.close(), resolve({ values })));
  });
}

const codeOf = (e?: ServiceError) => e?.metadata?.get(ERROR_CODE_KEY)[0];

describe('caller authorization over mutual TLS', () => {
  it('when a service narrows the server-wide list, then a caller allowed on the server reaches only the other services', async () => {
    const adminDefinition = { echo: { ...method('Echo', false), path: '/test.Admin/Echo' } } as unknown as ServiceDefinition;
    const AdminClient = makeGenericClientConstructor(adminDefinition, 'Admin');
    const echoBack = (call: { request: unknown }, cb: (e: null, r: unknown) => void) => cb(null, call.request);
    const shared = await startGrpcServer({
      port: 0,
      listen: { host: '127.0.0.1', healthHost: '127.0.0.1', healthPort: 0, allowedCallers: 'gateway,notifier' },
      tls: own,
      services: [
        { name: 'test.Echo', definition: echoDefinition, implementation: { echo: echoBack, count: () => undefined } },
        { name: 'test.Admin', definition: adminDefinition, implementation: { echo: echoBack }, allowedCallers: ['gateway'] },
      ],
      logger,
    });
    const to = `127.0.0.1:${shared.port}`;
    const admin = (creds: ChannelCredentials) =>
      new Promise<{ value?: unknown; error?: ServiceError }>((resolve) => {
        const c = new AdminClient(to, creds, tlsChannelOptions('realname-pattern')) as Echo;
        c.echo({ a: 1 }, new Metadata(), { deadline: Date.now() + 3_000 }, (error: ServiceError | null, value: unknown) => {
          c.close();
          resolve(error ? { error } : { value });
        });
      });
    try {
      expect(await unary(clientCredentials(notifier, 'realname-pattern'), to)).toEqual({ value: { hello: 'world' } });
      const refused = await admin(clientCredentials(notifier, 'realname-pattern'));
      expect(refused.error?.code).toBe(status.PERMISSION_DENIED);
      expect(codeOf(refused.error)).toBe('KYC.GRPC.CALLER_NOT_ALLOWED');
      expect(await admin(clientCredentials(gateway, 'realname-pattern'))).toEqual({ value: { a: 1 } });
    } finally {
      await shared.shutdown(1_000);
    }
  });

  it('when an allowed service calls, then unary and streaming methods answer', async () => {
    const creds = clientCredentials(gateway, 'realname-pattern');
    expect(await unary(creds)).toEqual({ value: { hello: 'world' } });
    expect(await streaming(creds)).toEqual({ values: [{ n: 1 }] });
  });

  it('when a service that is not on the allow-list calls, then both kinds of method answer PERMISSION_DENIED with a stable code', async () => {
    const creds = clientCredentials(notifier, 'realname-pattern');
    const u = await unary(creds);
    expect(u.error?.code).toBe(status.PERMISSION_DENIED);
    expect(codeOf(u.error)).toBe('KYC.GRPC.CALLER_NOT_ALLOWED');
    const s = await streaming(creds);
    expect(s.values).toEqual([]);
    expect(s.error?.code).toBe(status.PERMISSION_DENIED);
    expect(codeOf(s.error)).toBe('KYC.GRPC.CALLER_NOT_ALLOWED');
  });

  it('when a peer has no certificate, a certificate of another CA, or no TLS at all, then it does not get past the handshake', async () => {
    for (const creds of [
      credentials.createSsl(own.ca),
      credentials.createSsl(own.ca, foreign.key, foreign.cert),
      credentials.createInsecure(),
    ]) {
      const { error } = await unary(creds);
      expect(error?.code).toBe(status.UNAVAILABLE);
    }
  });

  it('when the server is not the service the client meant to reach, then the client refuses it', async () => {
    const { error } = await unary(clientCredentials(gateway, 'identity-lookup'));
    expect(error?.code).toBe(status.UNAVAILABLE);
    expect(error?.details).toMatch(/expected spiffe:\/\/kyc\.local\/identity-lookup/);
  });

  it('when a resilient client calls with its service certificate, then the answer comes back', async () => {
    const resilient = createClient(EchoClient as never, target, { name: 'realname-pattern', logger }, gateway);
    await expect(resilient.unary((resilient.raw as Echo).echo as never, { a: 1 })).resolves.toEqual({ a: 1 });
    resilient.close();
    const wrong = createClient(EchoClient as never, target, { name: 'realname-pattern', logger }, notifier);
    await expect(wrong.unary((wrong.raw as Echo).echo as never, { a: 1 })).rejects.toMatchObject({
      code: 'KYC.GRPC.CALLER_NOT_ALLOWED',
      kind: 'permission_denied',
    });
    wrong.close();
  });

  it('a certificate without a platform identity is unauthenticated; the health service is open to every platform service', () => {
    const none = authorizeCaller('/test.Echo/Echo', { subjectaltname: 'DNS:localhost' } as never, new Set(['gateway']));
    expect(none).toMatchObject({ allowed: false, error: { code: 'KYC.GRPC.UNAUTHENTICATED', kind: 'unauthenticated' } });
    expect(authorizeCaller('/grpc.health.v1.Health/Check', { subjectaltname: `URI:${spiffeId('notifier')}` } as never, new Set())).toEqual({
      allowed: true,
      caller: 'notifier',
    });
    expect(identityOf({ subjectaltname: 'URI:spiffe://other.domain/gateway' })).toBeUndefined();
    expect(identityOf({ subjectaltname: `URI:${spiffeId('a')}, URI:${spiffeId('b')}` })).toBeUndefined();
  });
});

describe('plaintext health port', () => {
  const healthTarget = () => `127.0.0.1:${server.healthPort}`;

  it('answers the health service without TLS, in step with the TLS port, and carries nothing else', async () => {
    expect(await checkGrpcHealth(healthTarget())).toBe('SERVING');
    expect(await checkGrpcHealth(healthTarget(), { service: 'test.Echo' })).toBe('SERVING');
    server.health.setStatus('test.Echo', 'NOT_SERVING');
    expect(await checkGrpcHealth(healthTarget(), { service: 'test.Echo' })).toBe('NOT_SERVING');
    server.health.setStatus('test.Echo', 'SERVING');

    const plain = new EchoClient(healthTarget(), credentials.createInsecure()) as Echo;
    const error = await new Promise<ServiceError | null>((resolve) =>
      plain.echo({}, new Metadata(), { deadline: Date.now() + 3_000 }, (e: ServiceError | null) => resolve(e)),
    );
    plain.close();
    expect(error?.code).toBe(status.UNIMPLEMENTED);
  });
});

describe('TLS material', () => {
  it('when a file is not configured or cannot be read, then loading refuses and names the variables', () => {
    expect(() => loadTlsMaterial({ caFile: '', certFile: '', keyFile: '' })).toThrow(ConfigError);
    expect(() => loadTlsMaterial({ caFile: '', certFile: '', keyFile: '' })).toThrow(/GRPC_TLS_CA_FILE.*GRPC_TLS_CERT_FILE.*GRPC_TLS_KEY_FILE/);
    expect(() => loadTlsMaterial({ caFile: '/nonexistent/ca.crt', certFile: 'x', keyFile: 'y' })).toThrow(/GRPC_TLS_CA_FILE=\/nonexistent\/ca\.crt cannot be read/);
  });

  it('when the certificate names no service, then loading refuses', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-'));
    try {
      const write = (name: string, data: Buffer) => (fs.writeFileSync(path.join(dir, name), data), path.join(dir, name));
      const files = { caFile: write('ca.crt', own.ca), certFile: write('tls.crt', own.ca), keyFile: write('tls.key', own.key) };
      expect(() => loadTlsMaterial(files)).toThrow(/GRPC_TLS_CERT_FILE.*no URI SAN/);
      expect(loadTlsMaterial({ ...files, certFile: write('ok.crt', own.cert) }).cert.equals(own.cert)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the files are renewed, then new connections use the new material without a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-'));
    const write = (m: IssuedCertificate) => {
      fs.writeFileSync(path.join(dir, 'ca.crt'), m.ca);
      fs.writeFileSync(path.join(dir, 'tls.crt'), m.cert);
      fs.writeFileSync(path.join(dir, 'tls.key'), m.key);
    };
    const files = { caFile: path.join(dir, 'ca.crt'), certFile: path.join(dir, 'tls.crt'), keyFile: path.join(dir, 'tls.key') };
    write(own);
    const provider = new TlsMaterialProvider(files);
    const rotating = await startGrpcServer({
      port: 0,
      listen: { host: '127.0.0.1', healthHost: '127.0.0.1', healthPort: 0, allowedCallers: ['gateway'] },
      tls: provider,
      services: [],
      logger,
    });
    try {
      const to = `127.0.0.1:${rotating.port}`;
      const callAs = (m: IssuedCertificate) => unary(clientCredentials(m, 'realname-pattern'), to);
      // The echo service is not registered here: UNIMPLEMENTED proves the call got through TLS and authorization.
      expect((await callAs(gateway)).error?.code).toBe(status.UNIMPLEMENTED);

      const newCa = await createCertificateAuthority({ name: 'next CA' });
      const [nextOwn, nextGateway] = await Promise.all([newCa.issue('realname-pattern'), newCa.issue('gateway')]);
      write(nextOwn);
      expect(provider.reload()).toBe(true);
      expect(provider.reload()).toBe(false);
      expect((await callAs(nextGateway)).error?.code).toBe(status.UNIMPLEMENTED);
      expect((await callAs(gateway)).error?.code).toBe(status.UNAVAILABLE);

      // A half-written renewal (key of another certificate) is not taken.
      fs.writeFileSync(files.keyFile, own.key);
      expect(provider.reload()).toBe(false);
      expect((await callAs(nextGateway)).error?.code).toBe(status.UNIMPLEMENTED);
    } finally {
      await rotating.shutdown(1_000);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
