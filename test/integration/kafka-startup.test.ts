/**
 * Start-up against a broker that has only just started: the situation of every first run on a
 * new machine, where the services boot seconds after Kafka. The broker here is handed out the
 * instant its port accepts connections, before it has created `__consumer_offsets` or can
 * answer for new topics; every service must ride that out and become ready.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createLogger } from '@kyc/core';
import { Platform, startPlatform } from '@kyc/dev-platform';
import { startFreshKafka } from '@kyc/dev-services';
import { EventBus, EventEnvelope } from '@kyc/kafka-bus';
import { connectMongo, MongoProcessedEvents } from '@kyc/mongo-kit';
import { eventually, infra, partnerWithUser, uniqueNamespace } from '../support/fixtures';

const logger = createLogger('kafka-startup-test', 'silent');
const quiet = () => undefined;

/**
 * A first run keeps both cores busy (turbo builds and tests packages in parallel), which widens
 * the broker's window between accepting a topic and serving it. Busy processes stand in for that.
 */
function loadCpus(count = 3): () => void {
  const hogs: ChildProcess[] = Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  return () => hogs.forEach((h) => h.kill('SIGKILL'));
}

describe('start-up against a freshly started broker', () => {
  it('when eight buses create the same topics and subscribe the instant the port answers, then all succeed and one event reaches every group', async () => {
    const unload = loadCpus();
    const kafka = await startFreshKafka({ log: quiet });
    const ns = uniqueNamespace('race');
    const mongo = await connectMongo(infra().mongoUrl, ns, logger);
    // Two replicas of each of the four services that use Kafka.
    const buses = ['gateway', 'realname-pattern', 'photo-storage', 'notifier', 'gateway', 'realname-pattern', 'photo-storage', 'notifier'].map(
      (clientId) => new EventBus({ brokers: [kafka.kafkaBrokers], clientId, logger, startupDeadlineMs: 90_000 }),
    );
    try {
      const seen = new Map<string, string[]>();
      // What each service does at boot, all at once, as the dev launcher and Kubernetes start them.
      await Promise.all(
        buses.map(async (bus, i) => {
          // Topics first, the moment the port answers: a broker this young accepts a topic
          // before it can serve it (the window where kafkajs's createTopics gave up).
          await bus.ensureTopics(['kyc.race.v1', 'kyc.race-shared.v1', `kyc.race-own-${i}.v1`, `kyc.race-own-${i}-b.v1`, `kyc.race-own-${i}-c.v1`]);
          await bus.connect();
          const group = `race-${i}`;
          seen.set(group, []);
          await bus.subscribe({
            groupId: group,
            topics: ['kyc.race.v1'],
            processed: new MongoProcessedEvents(mongo),
            handlers: { 'test.v1.Ping': async (e: EventEnvelope) => void seen.get(group)!.push(e.eventId) },
          });
        }),
      );
      const sent = await buses[0].publish('kyc.race.v1', { type: 'test.v1.Ping', key: 'k', payload: Buffer.from('x') });
      await eventually(async () => ([...seen.values()].every((ids) => ids.includes(sent.eventId)) ? true : undefined), 60_000);
    } finally {
      unload();
      await Promise.allSettled(buses.map((b) => b.disconnect()));
      await mongo.close();
      await kafka.stop();
    }
  });

  it('when the five services boot the instant a new broker answers, then every one becomes ready and a submission flows', async () => {
    const unload = loadCpus();
    const kafka = await startFreshKafka({ log: quiet });
    let platform: Platform | undefined;
    try {
      platform = await startPlatform({ kafkaBrokers: kafka.kafkaBrokers, mongoUrl: infra().mongoUrl, namespace: uniqueNamespace('fresh') });
      unload();
      for (const service of Object.values(platform.services)) expect(service.running).toBe(true);
      // The gateway answers a partner, which needs realname-pattern and photo-storage over gRPC.
      const { sid } = await partnerWithUser(platform);
      const info = await eventually(async () => {
        const body = (await (await fetch(`${platform!.gatewayUrl}/user/validate/fetch_info/?user_sid=${sid}`)).json()) as { response: { result: number; validate_obj: { validate_status: number } } };
        return body.response.result === 200 ? body.response : undefined;
      });
      expect(info.validate_obj.validate_status).toBe(0);
    } finally {
      unload();
      await platform?.stop();
      await kafka.stop();
    }
  });

  it('when no broker ever answers, then start-up fails after its deadline saying what it waited for', async () => {
    const bus = new EventBus({ brokers: ['127.0.0.1:1'], clientId: 'nobody', logger, startupDeadlineMs: 2_000 });
    const t0 = Date.now();
    await expect(bus.connect()).rejects.toThrow(/Kafka not ready after [\d.]+ s: waited for the producer to connect/);
    expect(Date.now() - t0).toBeLessThan(30_000);
    await bus.disconnect().catch(() => undefined);
  });
});
