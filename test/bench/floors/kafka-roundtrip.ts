/**
 * The submission-to-callback floor: Kafka's own produce-to-consume round trip on the same broker,
 * at the same fixed arrival rate. A producer configured as the platform's (idempotent, acks from
 * all in-sync replicas, one request in flight) sends one small record per arrival; a consumer in
 * its own group reads them; the latency of a record is from just before its send to its receipt.
 * One hop, where a submission takes several (gateway -> realname-pattern -> notifier), so the
 * platform is judged by a multiple of it.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Latencies, sleep } from '../bench-kit';
import { Figures } from '../report';

export async function kafkaRoundTrip(opts: { brokers: string; ratePerSecond: number; seconds: number }): Promise<Figures> {
  const kafka = new Kafka({ clientId: 'bench-floor', brokers: [opts.brokers], logLevel: logLevel.NOTHING, connectionTimeout: 10_000, requestTimeout: 30_000 });
  const topic = `bench.floor.${randomUUID()}`;
  const admin = kafka.admin();
  // No limit of one request in flight (the platform's, for ordering): the floor is the broker's round trip, not a client's queue.
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: `bench-floor-${randomUUID()}`, sessionTimeout: 10_000, heartbeatInterval: 3_000 });
  const sentAt = new Map<string, number>();
  const latencies = new Latencies();
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachMessage: async ({ message }) => {
        const id = message.key!.toString();
        const t = sentAt.get(id);
        if (t !== undefined) latencies.record(performance.now() - t);
      },
    });
    await joined;
    // A record before the clock starts: connections, metadata, the first fetch.
    await producer.send({ topic, acks: -1, messages: [{ key: 'warm-up', value: 'warm-up' }] });

    const total = Math.round(opts.ratePerSecond * opts.seconds);
    const value = Buffer.alloc(300, 'x');
    let failed = 0;
    const sends: Promise<unknown>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / opts.ratePerSecond;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const id = `r${i}`;
      // Open loop: the clock of a record starts when it was due, whether or not the producer kept up.
      sentAt.set(id, due);
      sends.push(producer.send({ topic, acks: -1, timeout: 10_000, messages: [{ key: id, value }] }).catch(() => (failed += 1)));
    }
    await Promise.all(sends);
    const until = Date.now() + 30_000;
    while (latencies.count < total - failed && Date.now() < until) await sleep(20);
    const seconds = (performance.now() - t0) / 1000;
    return {
      throughput: latencies.count / seconds,
      ops: latencies.count,
      failed: total - latencies.count,
      p50Ms: latencies.percentile(50),
      p99Ms: latencies.percentile(99),
      extra: { offeredPerSecond: opts.ratePerSecond },
    };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic], timeout: 10_000 }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
