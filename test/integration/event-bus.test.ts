/**
 * The shared event bus against the real broker and MongoDB-wire server: explicit topics, pause and
 * resume, de-duplication by event id, and a graceful stop of a consuming service.
 */
import fs from 'node:fs';
import { createLogger } from '@kyc/core';
import { EventBus, EventEnvelope } from '@kyc/kafka-bus';
import { connectMongo, MongoProcessedEvents } from '@kyc/mongo-kit';
import { bootPlatform, eventually, infra, kafkaClient, uniqueNamespace } from '../support/fixtures';

const logger = createLogger('event-bus-test', 'silent');

describe('event bus', () => {
  const ns = uniqueNamespace('bus');
  let bus: EventBus;
  let mongo: Awaited<ReturnType<typeof connectMongo>>;

  beforeAll(async () => {
    bus = new EventBus({ brokers: [infra().kafkaBrokers], clientId: 'bus-test', logger, topicPrefix: `${ns}.` });
    await bus.connect();
    mongo = await connectMongo(infra().mongoUrl, ns, logger);
  });
  afterAll(async () => {
    await bus?.disconnect();
    await mongo?.close();
  });

  it('when topics are ensured, then each exists with its dead-letter topic, and ensuring again is harmless', async () => {
    await bus.ensureTopics(['kyc.test.v1']);
    await bus.ensureTopics(['kyc.test.v1']);
    const admin = kafkaClient().admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    expect(topics).toEqual(expect.arrayContaining([`${ns}.kyc.test.v1`, `${ns}.kyc.test.v1.dlq`]));
  });

  it('when a consumer is paused, then nothing is handled until it resumes, and then everything is, once', async () => {
    await bus.ensureTopics(['kyc.pause.v1']);
    const seen: string[] = [];
    const sub = await bus.subscribe({
      groupId: `${ns}-pause`,
      topics: ['kyc.pause.v1'],
      processed: new MongoProcessedEvents(mongo),
      handlers: { 'test.v1.Ping': async (e: EventEnvelope) => void seen.push(e.eventId) },
    });
    const first = await bus.publish('kyc.pause.v1', { type: 'test.v1.Ping', key: 'a', payload: Buffer.from('1') });
    await eventually(async () => (seen.includes(first.eventId) ? true : undefined));

    sub.pause();
    const during = await bus.publish('kyc.pause.v1', { type: 'test.v1.Ping', key: 'a', payload: Buffer.from('2') });
    await new Promise((r) => setTimeout(r, 2_000));
    expect(seen).not.toContain(during.eventId);

    sub.resume();
    await eventually(async () => (seen.includes(during.eventId) ? true : undefined));
    // the same event id published again is ignored
    await bus.publish('kyc.pause.v1', { type: 'test.v1.Ping', key: 'a', payload: Buffer.from('2'), eventId: during.eventId });
    const last = await bus.publish('kyc.pause.v1', { type: 'test.v1.Ping', key: 'a', payload: Buffer.from('3') });
    await eventually(async () => (seen.includes(last.eventId) ? true : undefined));
    expect(seen).toEqual([first.eventId, during.eventId, last.eventId]);
    await sub.stop();
  });
});

describe('processed-event records', () => {
  it('when a sweep runs, then only records older than its cut-off are forgotten', async () => {
    const mongo = await connectMongo(infra().mongoUrl, uniqueNamespace('sweep'), logger);
    try {
      const store = new MongoProcessedEvents(mongo);
      await store.mark('group', 'event-1');
      expect(await store.sweep(new Date(Date.now() - 60_000))).toBe(0);
      expect(await store.has('group', 'event-1')).toBe(true);
      expect(await store.sweep(new Date(Date.now() + 1_000))).toBe(1);
      expect(await store.has('group', 'event-1')).toBe(false);
      store.stop();
    } finally {
      await mongo.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('when a service gets SIGTERM, then it drains, disconnects and exits 0, and a restart resumes service', async () => {
    const platform = await bootPlatform('sigterm');
    try {
      const svc = platform.services['realname-pattern'];
      await svc.stop('SIGTERM');
      const log = fs.readFileSync(svc.logFile, 'utf8');
      expect(log).toContain('"msg":"stopped"');
      for (const step of ['stop consuming', 'stop grpc intake and drain', 'flush outbox', 'disconnect kafka', 'close mongo']) {
        expect(log).toContain(`"step":"${step}"`);
      }
      await svc.start();
      const res = await fetch(`${platform.gatewayUrl}/readyz`);
      expect(res.status).toBe(200);
    } finally {
      await platform.stop();
    }
  });

  it('when a service is given a bad configuration value, then it refuses to start and names the key', async () => {
    const platform = await bootPlatform('badconfig');
    try {
      const svc = platform.services['identity-lookup'];
      await svc.stop();
      svc.env.GRPC_PORT = 'eighty';
      await expect(svc.start(10_000)).rejects.toThrow(/grpcPort/);
    } finally {
      await platform.stop();
    }
  });
});
