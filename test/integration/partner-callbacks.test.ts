/**
 * Partner callbacks (notifier): every finished verification reaches its partner at least once,
 * signed in the partner's format, whatever the partner's endpoint does meanwhile, and a slow or
 * dead partner never holds up the others. Partners' settings are published onto the real broker
 * as the gateway would (sealed secrets); verifications are started on realname-pattern as the
 * gateway would. The partner endpoints are real HTTP servers (CallbackReceiver).
 */
import { execFile } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Metadata, ServiceError } from '@grpc/grpc-js';
import { Webhook } from 'standardwebhooks';
import { notifier, partner as partnerEvents, verification } from '@kyc/contracts';
import { createLogger } from '@kyc/core';
import { findRepoRoot, Platform, startPlatform } from '@kyc/dev-platform';
import { GrpcServerHandle, startGrpcServer, unary } from '@kyc/grpc-kit';
import { EventBus, TOPICS } from '@kyc/kafka-bus';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { CallbackReceiver, firstN, MEMBER_OK, ReceivedCallback, WEBHOOK_OK } from '../support/callback-receiver';
import { eventually, infra, uniqueNamespace, withMongo } from '../support/fixtures';
import { idNumber } from '../support/identities';

const HTTP_TIMEOUT_MS = 3_000;
let platform: Platform;
let bus: EventBus;
let cipher: PiiCipher;
let standIn: StandInVerifications | undefined;
const receivers: CallbackReceiver[] = [];

const asGateway = (server: 'realname-pattern' | 'notifier') =>
  [platform.grpcTargets[server], platform.pki.credentialsFor('gateway', server), platform.pki.channelOptions(server)] as const;

function call<Res>(fn: (cb: (err: ServiceError | null, res: Res) => void) => void): Promise<Res> {
  return new Promise((resolve, reject) => fn((err, res) => (err ? reject(err) : resolve(res))));
}
const deadline = () => ({ deadline: Date.now() + 10_000 });

/**
 * Stand-in for realname-pattern's VerificationService, used only while the real service does not
 * implement it yet: the test then publishes VerificationCompleted itself and answers the
 * notifier's GetVerification from here.
 */
interface StandInVerifications {
  server: GrpcServerHandle;
  byId: Map<string, verification.GetVerificationResponse>;
}

async function realVerificationServiceAvailable(): Promise<boolean> {
  const client = new verification.VerificationServiceClient(...asGateway('realname-pattern'));
  try {
    await call((cb) => client.getVerification({ verificationId: randomUUID(), includeClaim: false, ticket: '' }, new Metadata(), deadline(), cb));
    return true;
  } catch (err) {
    return (err as ServiceError).code !== 12; // UNIMPLEMENTED
  } finally {
    client.close();
  }
}

async function useStandInVerifications(): Promise<void> {
  const byId = new Map<string, verification.GetVerificationResponse>();
  const logger = createLogger('standin-realname-pattern', 'warn');
  const impl = {
    getVerification: unary(logger, async (req: verification.GetVerificationRequest) => {
      const v = byId.get(req.verificationId);
      if (!v) throw Object.assign(new Error('not found'), { code: 'KYC.VERIFICATION.NOT_FOUND' });
      return req.includeClaim ? v : { ...v, claim: undefined };
    }),
  };
  const server = await startGrpcServer({
    port: 0,
    listen: { host: '127.0.0.1', healthHost: '127.0.0.1', healthPort: 0, allowedCallers: 'notifier' },
    tls: platform.pki.material('realname-pattern'),
    services: [{ name: 'kyc.verification.v1.VerificationService', definition: verification.VerificationServiceService, implementation: impl as never }],
    logger,
  });
  standIn = { server, byId };
  const n = platform.services.notifier;
  n.env.REALNAME_PATTERN_TARGET = `127.0.0.1:${server.port}`;
  await n.restart();
}

beforeAll(async () => {
  platform = await startPlatform({
    ...infra(),
    namespace: uniqueNamespace('callbacks'),
    env: {
      CALLBACK_RETRY_SCALE: '0.001',
      CALLBACK_TIMEOUT_MS: String(HTTP_TIMEOUT_MS),
      CALLBACK_LEASE_MS: String(HTTP_TIMEOUT_MS + 2_000),
      CALLBACK_POLL_INTERVAL_MS: '200',
      CALLBACK_MAX_IN_FLIGHT_PER_PARTNER: '2',
    },
  });
  cipher = new PiiCipher(masterKeyFromHex(platform.masterKey));
  bus = new EventBus({ brokers: [infra().kafkaBrokers], clientId: 'integration-test', logger: createLogger('test', 'warn'), topicPrefix: platform.topic('') });
  await bus.connect();
  if (!(await realVerificationServiceAvailable())) {
    process.stderr.write('partner-callbacks: realname-pattern has no VerificationService yet; using a stand-in and publishing VerificationCompleted directly\n');
    await useStandInVerifications();
  }
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await bus?.disconnect();
  await standIn?.server.shutdown(100);
  await platform?.stop();
});

async function receiver(script?: ConstructorParameters<typeof CallbackReceiver>[0]): Promise<CallbackReceiver> {
  const r = await new CallbackReceiver(script).start();
  receivers.push(r);
  return r;
}

interface TestPartner {
  partnerId: string;
  appSecret: string;
  webhookSecret: string;
  version: number;
}

/** Publishes PartnerSettingsChanged exactly as the gateway does (secrets sealed with the master key). */
async function configurePartner(
  p: Partial<TestPartner> & { callbackUrl: string; format: 'member' | 'webhooks'; active?: boolean },
): Promise<TestPartner> {
  const partner: TestPartner = {
    partnerId: p.partnerId ?? `P${Date.now()}${Math.floor(Math.random() * 1e6)}`,
    appSecret: p.appSecret ?? `app-secret-${randomUUID()}`,
    webhookSecret: p.webhookSecret ?? `whsec_${Buffer.from(randomUUID()).toString('base64')}`,
    version: (p.version ?? 0) + 1,
  };
  await bus.publish(TOPICS.partner, {
    type: 'kyc.partner.v1.PartnerSettingsChanged',
    key: partner.partnerId,
    payload: partnerEvents.PartnerSettingsChanged.encode({
      partnerId: partner.partnerId,
      active: p.active ?? true,
      callbackUrl: p.callbackUrl,
      callbackFormat:
        p.format === 'member' ? partnerEvents.CallbackFormat.CALLBACK_FORMAT_MEMBER_NOTIFY : partnerEvents.CallbackFormat.CALLBACK_FORMAT_STANDARD_WEBHOOKS,
      sealedSecrets: cipher.sealString(
        JSON.stringify({ app_secret: partner.appSecret, webhook_secret: partner.webhookSecret }),
        `partner:${partner.partnerId}:callback-secrets`,
      ),
      version: partner.version,
    }).finish(),
  });
  // Settings are applied asynchronously; wait until the notifier holds this version.
  await eventually(() =>
    withMongo(async (c) => {
      const doc = await c.db(platform.dbName('notifier')).collection<{ _id: string; version: number }>('partner_endpoints').findOne({ _id: partner.partnerId });
      return doc && doc.version >= partner.version ? true : undefined;
    }),
  );
  return partner;
}

/**
 * A finished authority-check verification of the partner (seq 990: the authority says mismatch).
 * Returns its id, which is the callback's id.
 */
async function finishedVerification(partnerId: string, opts: { seq?: number; partnerReference?: string; callbackUrl?: string } = {}): Promise<string> {
  const claim = { name: '张三', idNumber: idNumber('110101', '19900307', opts.seq ?? 123), mobile: '' };
  const subjectId = `subject-${randomUUID()}`;
  const partnerReference = opts.partnerReference ?? `tx-${randomUUID()}`;
  if (!standIn) {
    const client = new verification.VerificationServiceClient(...asGateway('realname-pattern'));
    try {
      const res = await call<verification.StartVerificationResponse>((cb) =>
        client.startVerification(
          { subjectId, partnerId, method: 'authority-check', claim, evidenceIds: [], partnerReference, callbackUrl: opts.callbackUrl ?? '', idempotencyKey: '', correlationId: '', methodInput: {} },
          new Metadata(),
          deadline(),
          cb,
        ),
      );
      return res.verification!.verificationId;
    } finally {
      client.close();
    }
  }
  const verificationId = randomUUID();
  const succeeded = (opts.seq ?? 123) < 990 || (opts.seq ?? 123) > 998;
  const state = succeeded ? verification.VerificationState.VERIFICATION_STATE_SUCCEEDED : verification.VerificationState.VERIFICATION_STATE_FAILED;
  const now = new Date();
  standIn.byId.set(verificationId, {
    verification: {
      verificationId,
      subjectId,
      partnerId,
      method: 'authority-check',
      state,
      resultCode: succeeded ? 'OK' : 'AUTHORITY.MISMATCH',
      ticket: '',
      providerReference: '',
      evidenceIds: [],
      partnerReference,
      callbackUrl: opts.callbackUrl ?? '',
      createdAt: now,
      updatedAt: now,
      completedAt: now,
    },
    claim,
  });
  await bus.publish(TOPICS.verification, {
    type: 'kyc.verification.v1.VerificationCompleted',
    key: subjectId,
    payload: verification.VerificationCompleted.encode({
      verificationId,
      subjectId,
      partnerId,
      method: 'authority-check',
      state,
      resultCode: succeeded ? 'OK' : 'AUTHORITY.MISMATCH',
      completedAt: now,
    }).finish(),
  });
  return verificationId;
}

const txOf = (r: ReceivedCallback) => r.json?.tx_seq_no as string | undefined;

function notifierClient() {
  return new notifier.NotifierServiceClient(...asGateway('notifier'));
}

async function callbackState(callbackId: string): Promise<notifier.GetCallbackResponse> {
  const client = notifierClient();
  try {
    return await call<notifier.GetCallbackResponse>((cb) => client.getCallback({ callbackId }, new Metadata(), deadline(), cb));
  } finally {
    client.close();
  }
}

const signOf = (fields: Record<string, string>, secret: string) =>
  createHmac('sha1', secret)
    .update(
      Object.keys(fields)
        .filter((k) => k !== 'sign' && fields[k] !== '')
        .sort()
        .map((k) => `${k}=${fields[k]}`)
        .join('&'),
    )
    .digest('hex');

describe('partner callbacks', () => {
  it('when a seed-000 partner is owed a result, then it gets exactly the seed fields, signed with its app secret', async () => {
    const endpoint = await receiver(() => MEMBER_OK);
    const partner = await configurePartner({ callbackUrl: endpoint.url('/notify'), format: 'member' });
    const ok = await finishedVerification(partner.partnerId, {
      seq: 123,
      partnerReference: JSON.stringify({ tx_seq_no: 'TX-OK-1', user_id: 'member-77' }),
    });
    const mismatch = await finishedVerification(partner.partnerId, { seq: 990, partnerReference: JSON.stringify({ tx_seq_no: 'TX-NO-1', user_id: 'member-78' }) });

    const [success] = await eventually(async () => (endpoint.where((r) => txOf(r) === 'TX-OK-1').length ? endpoint.where((r) => txOf(r) === 'TX-OK-1') : undefined), 60_000);
    const [failure] = await eventually(async () => (endpoint.where((r) => txOf(r) === 'TX-NO-1').length ? endpoint.where((r) => txOf(r) === 'TX-NO-1') : undefined), 60_000);

    expect(success.path).toBe('/notify');
    expect(success.headers['content-type']).toContain('application/json');
    expect(Object.keys(success.json).sort()).toEqual(['app_id', 'code', 'id_no', 'message', 'nonce_str', 'sign', 'status', 'time_stamp', 'tx_seq_no', 'user_id']);
    expect(success.json).toMatchObject({
      app_id: partner.partnerId,
      code: '0000',
      status: 'SUCCESS',
      message: '实名认证成功',
      tx_seq_no: 'TX-OK-1',
      user_id: 'member-77',
      id_no: idNumber('110101', '19900307', 123),
    });
    expect(Math.abs(Number(success.json.time_stamp) - Date.now() / 1000)).toBeLessThan(300);
    expect(success.json.sign).toBe(signOf(success.json, partner.appSecret));
    expect(failure.json).toMatchObject({ status: 'FAILED', message: '实名认证失败', user_id: 'member-78' });
    expect(failure.json.sign).toBe(signOf(failure.json, partner.appSecret));

    const shown = await eventually(async () => {
      const s = await callbackState(ok);
      return s.callback?.state === notifier.CallbackState.CALLBACK_STATE_DELIVERED ? s : undefined;
    });
    expect(shown.callback!.endpoint).toBe(`${new URL(endpoint.url()).host}/notify`);
    expect(shown.attempts[0]).toMatchObject({ httpStatus: 200 });
    expect(mismatch).not.toBe(ok);
  });

  it('when a seed-000 partner answers anything but {"code":"0000"}, then the callback is retried until it does', async () => {
    const endpoint = await receiver(firstN(3, { status: 200, body: '{"code":"9999","msg":"busy"}' }, MEMBER_OK));
    const partner = await configurePartner({ callbackUrl: endpoint.url(), format: 'member' });
    const id = await finishedVerification(partner.partnerId, { partnerReference: 'TX-RETRY' });

    const delivered = await eventually(async () => {
      const s = await callbackState(id);
      return s.callback?.state === notifier.CallbackState.CALLBACK_STATE_DELIVERED ? s : undefined;
    }, 60_000);
    expect(endpoint.where((r) => txOf(r) === 'TX-RETRY')).toHaveLength(4);
    expect(delivered.attempts.map((a) => a.httpStatus)).toEqual([200, 200, 200, 200]);
    expect(delivered.attempts[0].outcome).toContain('busy');
  });

  it('when a partner endpoint is down for a while and comes back, then every callback arrives, each once after dedupe by id', async () => {
    let up = false;
    const endpoint = await receiver(() => (up ? MEMBER_OK : { status: 503, body: 'down' }));
    const partner = await configurePartner({ callbackUrl: endpoint.url(), format: 'member' });
    const refs = Array.from({ length: 6 }, (_, i) => `TX-DOWN-${i}`);
    for (const ref of refs) await finishedVerification(partner.partnerId, { partnerReference: ref });

    await eventually(async () => (new Set(endpoint.received.map(txOf)).size === refs.length ? true : undefined), 60_000);
    up = true;
    const answeredWhileDown = endpoint.received.length;
    await eventually(async () => {
      const delivered = await withMongo((c) =>
        c.db(platform.dbName('notifier')).collection('callbacks').countDocuments({ partnerId: partner.partnerId, state: 'DELIVERED' }),
      );
      return delivered === refs.length ? true : undefined;
    }, 90_000);
    // Deduplicated by id, the partner saw each callback once, and nothing else.
    expect([...new Set(endpoint.received.map(txOf))].sort()).toEqual([...refs].sort());
    // Each one was (also) sent after the endpoint came back, which is when it was acknowledged.
    const afterUp = endpoint.received.filter((r) => r.n > answeredWhileDown).map(txOf);
    for (const ref of refs) expect(afterUp).toContain(ref);
  });

  it('when one partner hangs, then a healthy partner still gets all its callbacks while the other keeps hanging', async () => {
    const hanging = await receiver(() => 'hang');
    const healthy = await receiver(() => WEBHOOK_OK);
    const slow = await configurePartner({ callbackUrl: hanging.url(), format: 'webhooks' });
    const fine = await configurePartner({ callbackUrl: healthy.url(), format: 'webhooks' });

    const slowIds: string[] = [];
    for (let i = 0; i < 6; i++) slowIds.push(await finishedVerification(slow.partnerId));
    await eventually(async () => (hanging.received.length >= 2 ? true : undefined), 60_000);
    const fineIds: string[] = [];
    for (let i = 0; i < 6; i++) fineIds.push(await finishedVerification(fine.partnerId));

    await eventually(async () => (fineIds.every((id) => healthy.where((r) => r.headers['webhook-id'] === id).length > 0) ? true : undefined), 60_000);
    const slowStates = await Promise.all(slowIds.map(async (id) => (await callbackState(id).catch(() => undefined))?.callback?.state));
    expect(slowStates.filter((s) => s === notifier.CallbackState.CALLBACK_STATE_DELIVERED)).toHaveLength(0);
  });

  it('when the notifier is killed with callbacks in flight and pending, then after a restart none is lost', async () => {
    let answer: 'hang' | 'ok' = 'hang';
    const endpoint = await receiver(() => (answer === 'ok' ? MEMBER_OK : 'hang'));
    const partner = await configurePartner({ callbackUrl: endpoint.url(), format: 'member' });
    const refs = Array.from({ length: 5 }, (_, i) => `TX-KILL-${i}`);
    for (const ref of refs) await finishedVerification(partner.partnerId, { partnerReference: ref });
    await eventually(async () => (endpoint.received.length >= 2 ? true : undefined), 60_000);

    await platform.services.notifier.stop('SIGKILL');
    answer = 'ok';
    await platform.services.notifier.start();

    await eventually(async () => (refs.every((ref) => endpoint.where((r) => txOf(r) === ref).length > 0) ? true : undefined), 90_000);
    await eventually(async () => {
      const delivered = await withMongo((c) =>
        c.db(platform.dbName('notifier')).collection('callbacks').countDocuments({ partnerId: partner.partnerId, state: 'DELIVERED' }),
      );
      return delivered === refs.length ? true : undefined;
    }, 60_000);
  });

  it('when a partner uses Standard Webhooks, then the signature verifies with its secret and the payload has ids only', async () => {
    const endpoint = await receiver(() => WEBHOOK_OK);
    const partner = await configurePartner({ callbackUrl: endpoint.url('/hooks/kyc'), format: 'webhooks' });
    const id = await finishedVerification(partner.partnerId, { seq: 123, partnerReference: 'order-5' });

    const [hook] = await eventually(async () => {
      const got = endpoint.where((r) => r.headers['webhook-id'] === id);
      return got.length ? got : undefined;
    }, 60_000);
    const verified = new Webhook(partner.webhookSecret).verify(hook.body, hook.headers) as any;
    expect(verified).toMatchObject({
      type: 'verification.completed',
      data: { verification_id: id, method: 'authority-check', status: 'succeeded', result_code: 'OK', partner_reference: 'order-5' },
    });
    expect(hook.body).not.toContain(idNumber('110101', '19900307', 123));
    expect(hook.body).not.toContain('张三');
    expect(() => new Webhook(`whsec_${Buffer.from('another secret').toString('base64')}`).verify(hook.body, hook.headers)).toThrow();
  });

  it('when an endpoint answers 410, then its callbacks are parked unsent, and an operator resend delivers one and releases the rest', async () => {
    let gone = true;
    const endpoint = await receiver(() => (gone ? { status: 410 } : WEBHOOK_OK));
    const partner = await configurePartner({ callbackUrl: endpoint.url(), format: 'webhooks' });
    const first = await finishedVerification(partner.partnerId);
    await eventually(async () => {
      const s = await callbackState(first).catch(() => undefined);
      return s?.callback?.state === notifier.CallbackState.CALLBACK_STATE_PARKED ? true : undefined;
    }, 60_000);
    const second = await finishedVerification(partner.partnerId);
    const parked = await eventually(async () => {
      const s = await callbackState(second).catch(() => undefined);
      return s?.callback?.state === notifier.CallbackState.CALLBACK_STATE_PARKED ? s : undefined;
    }, 60_000);
    expect(parked.attempts).toHaveLength(0);
    expect(endpoint.received.filter((r) => r.headers['webhook-id'] === second)).toHaveLength(0);

    // An operator resends the first one once the partner's endpoint is back.
    gone = false;
    const client = notifierClient();
    try {
      await call((cb) => client.resendCallback({ callbackId: first, operatorId: 'ops-1' }, new Metadata(), deadline(), cb));
      const listed = await call<notifier.ListCallbacksResponse>((cb) =>
        client.listCallbacks({ partnerId: partner.partnerId, state: notifier.CallbackState.CALLBACK_STATE_UNSPECIFIED, limit: 10 }, new Metadata(), deadline(), cb),
      );
      expect(listed.callbacks.map((c) => c.callbackId).sort()).toEqual([first, second].sort());
    } finally {
      client.close();
    }
    await eventually(async () => {
      const s = await callbackState(first);
      return s.callback?.state === notifier.CallbackState.CALLBACK_STATE_DELIVERED ? true : undefined;
    }, 60_000);
    expect(endpoint.where((r) => r.headers['webhook-id'] === first).length).toBeGreaterThanOrEqual(2);

    // The endpoint answered again, so the callbacks the 410 parked are released too.
    await eventually(async () => (endpoint.where((r) => r.headers['webhook-id'] === second).length ? true : undefined), 60_000);
  });

  it('when an operator uses kyc callbacks, then it lists the parked callback, shows its delivery log and resends it', async () => {
    let gone = true;
    const endpoint = await receiver(() => (gone ? { status: 410, body: 'gone for good' } : WEBHOOK_OK));
    const partner = await configurePartner({ callbackUrl: endpoint.url(), format: 'webhooks' });
    const id = await finishedVerification(partner.partnerId);
    await eventually(async () => {
      const s = await callbackState(id).catch(() => undefined);
      return s?.callback?.state === notifier.CallbackState.CALLBACK_STATE_PARKED ? true : undefined;
    }, 60_000);
    const cli = async (...args: string[]) => {
      const { stdout } = await promisify(execFile)(process.execPath, [path.join(findRepoRoot(), 'packages/operator-cli/dist/main.js'), '--json', 'callbacks', ...args], {
        env: { ...process.env, ...platform.services.notifier.env, LOG_LEVEL: 'warn' },
      });
      return stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>);
    };
    const listed = await cli('list', '--partner', partner.partnerId, '--state', 'parked');
    expect(listed.map((c) => c.callbackId ?? c.callback_id ?? c.id)).toEqual([id]);
    const [shown] = await cli('show', '--id', id);
    const log = JSON.stringify(shown);
    expect(log).toContain('410');
    expect(log).toContain('gone for good');
    gone = false;
    await cli('resend', '--id', id, '--operator', 'ops-cli');
    await eventually(async () => {
      const s = await callbackState(id);
      return s.callback?.state === notifier.CallbackState.CALLBACK_STATE_DELIVERED ? true : undefined;
    }, 60_000);
    expect(endpoint.where((r) => r.headers['webhook-id'] === id).length).toBeGreaterThanOrEqual(2);
  });

  it('when a partner whose endpoint answered 410 changes its settings, then its parked callbacks go to the new endpoint', async () => {
    const old = await receiver(() => ({ status: 410 }));
    const fixed = await receiver(() => WEBHOOK_OK);
    const partner = await configurePartner({ callbackUrl: old.url(), format: 'webhooks' });
    const id = await finishedVerification(partner.partnerId);
    await eventually(async () => {
      const s = await callbackState(id).catch(() => undefined);
      return s?.callback?.state === notifier.CallbackState.CALLBACK_STATE_PARKED ? true : undefined;
    }, 60_000);
    await configurePartner({ ...partner, callbackUrl: fixed.url(), format: 'webhooks' });
    await eventually(async () => (fixed.where((r) => r.headers['webhook-id'] === id).length ? true : undefined), 60_000);
    expect(old.where((r) => r.headers['webhook-id'] === id)).toHaveLength(1);
  });
});
