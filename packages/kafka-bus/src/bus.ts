import { Consumer, Kafka, KafkaJSProtocolError, logLevel, Partitioners, Producer } from 'kafkajs';
import { KycError, Logger } from '@kyc/core';
import { buildEnvelope, decodeEnvelope, encodeEnvelope, EventEnvelope, NewEvent } from './envelope';
import { dlqOf } from './topics';

/** Where a consumer records handled event ids (Mongo in services, a Map in unit tests). */
export interface ProcessedEventStore {
  has(group: string, eventId: string): Promise<boolean>;
  mark(group: string, eventId: string): Promise<void>;
}

export type EventHandler = (envelope: EventEnvelope) => Promise<void>;

export interface SubscribeOptions {
  groupId: string;
  /** Topic families (unprefixed). */
  topics: string[];
  /** Handlers by payload type; types without a handler are skipped (forward compatible). */
  handlers: Record<string, EventHandler>;
  processed: ProcessedEventStore;
  /** Attempts for a failing handler before its message is dead-lettered. */
  maxAttempts?: number;
}

export interface Subscription {
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

export interface EventBusOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  topicPrefix?: string;
  /** Per-request timeout towards the broker. */
  requestTimeoutMs?: number;
}

export class EventBus {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly consumers: Consumer[] = [];
  private readonly prefix: string;
  private readonly logger: Logger;
  private readonly clientId: string;

  constructor(opts: EventBusOptions) {
    this.prefix = opts.topicPrefix ?? '';
    this.logger = opts.logger.child({ component: 'event-bus' });
    this.clientId = opts.clientId;
    const log = this.logger;
    this.kafka = new Kafka({
      clientId: opts.clientId,
      brokers: opts.brokers,
      connectionTimeout: 5_000,
      requestTimeout: opts.requestTimeoutMs ?? 15_000,
      retry: { retries: 8, initialRetryTime: 200 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => {
        const { message, ...extra } = entry.log;
        const line = { kafkajs: entry.namespace, ...extra };
        if (entry.level <= logLevel.ERROR) log.error(line, message);
        else log.warn(line, message);
      },
    });
    // Durable producer: idempotent, acks from all in-sync replicas, one request in flight so
    // retries cannot reorder a subject's events.
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  topic(family: string): string {
    return `${this.prefix}${family}`;
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  /**
   * Creates the topics and their dead-letter topics explicitly (broker auto-creation is off:
   * it races with consumers under KRaft). Already existing topics are fine.
   */
  async ensureTopics(families: string[], opts: { partitions?: number; replicationFactor?: number } = {}): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const all = families.flatMap((f) => [this.topic(f), dlqOf(this.topic(f))]);
    try {
      const existing = new Set(await admin.listTopics());
      const wanted = all.filter((t) => !existing.has(t));
      if (wanted.length > 0) {
        await admin
          .createTopics({
            waitForLeaders: true,
            topics: wanted.map((topic) => ({
              topic,
              numPartitions: opts.partitions ?? 3,
              replicationFactor: opts.replicationFactor ?? -1,
            })),
          })
          .catch((err: unknown) => {
            // Another service created it between listTopics and createTopics.
            if (err instanceof KafkaJSProtocolError && err.type === 'TOPIC_ALREADY_EXISTS') return;
            throw err;
          });
      }
      // When several services create the same topics at once, the loser returns before the
      // topics' metadata has spread; subscribing then fails with UNKNOWN_TOPIC_OR_PARTITION.
      // Wait until every topic answers with leaders (bounded: ~10 s).
      for (let attempt = 1; ; attempt++) {
        try {
          const { topics } = await admin.fetchTopicMetadata({ topics: all });
          if (topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
        } catch (err) {
          if (!(err instanceof KafkaJSProtocolError && err.retriable) || attempt >= 100) throw err;
        }
        if (attempt >= 100) throw new Error(`topics not ready: ${all.join(', ')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await admin.disconnect();
    }
  }

  /** Publishes one event and resolves once all in-sync replicas have it. */
  async publish(family: string, event: NewEvent): Promise<EventEnvelope> {
    const envelope = buildEnvelope(event, this.clientId);
    await this.producer.send({
      topic: this.topic(family),
      acks: -1,
      timeout: 10_000,
      messages: [{ key: envelope.aggregateId, value: encodeEnvelope(envelope), headers: { 'event-type': envelope.type } }],
    });
    return envelope;
  }

  async subscribe(opts: SubscribeOptions): Promise<Subscription> {
    const consumer = this.kafka.consumer({ groupId: opts.groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
    this.consumers.push(consumer);
    const maxAttempts = opts.maxAttempts ?? 3;
    const log = this.logger.child({ group: opts.groupId });
    await consumer.connect();
    await consumer.subscribe({ topics: opts.topics.map((t) => this.topic(t)), fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      eachMessage: async ({ topic, partition, message, heartbeat }) => {
        let envelope: EventEnvelope;
        try {
          envelope = decodeEnvelope(message.value);
        } catch (err) {
          await this.deadLetter(topic, partition, message.offset, message.value, opts.groupId, 'KYC.EVENT.UNDECODABLE', err);
          return;
        }
        if (await opts.processed.has(opts.groupId, envelope.eventId)) {
          log.debug({ eventId: envelope.eventId }, 'duplicate delivery ignored');
          return;
        }
        const handler = opts.handlers[envelope.type];
        if (handler) {
          for (let attempt = 1; ; attempt++) {
            try {
              await handler(envelope);
              break;
            } catch (err) {
              // Infrastructure trouble (database down): keep the message and let kafkajs retry it later.
              if (err instanceof KycError && err.retriable) throw err;
              if (attempt >= maxAttempts) {
                const code = err instanceof KycError ? err.code : 'KYC.EVENT.HANDLER_FAILED';
                await this.deadLetter(topic, partition, message.offset, message.value, opts.groupId, code, err);
                break;
              }
              log.warn({ eventId: envelope.eventId, type: envelope.type, attempt, err: (err as Error).message }, 'handler failed; retrying');
              await heartbeat();
              await new Promise((r) => setTimeout(r, 100 * attempt));
            }
          }
        }
        await opts.processed.mark(opts.groupId, envelope.eventId);
      },
    });
    return {
      pause: () => consumer.pause(opts.topics.map((t) => ({ topic: this.topic(t) }))),
      resume: () => consumer.resume(opts.topics.map((t) => ({ topic: this.topic(t) }))),
      stop: () => consumer.stop(),
    };
  }

  private async deadLetter(
    topic: string,
    partition: number,
    offset: string,
    value: Buffer | null,
    group: string,
    code: string,
    err: unknown,
  ): Promise<void> {
    // Messages here are our own error texts, which never contain personal data.
    this.logger.error({ topic, partition, offset, group, code, err: (err as Error).message }, 'message dead-lettered');
    await this.producer.send({
      topic: dlqOf(topic),
      acks: -1,
      messages: [
        {
          key: `${topic}:${partition}:${offset}`,
          value,
          headers: {
            'x-error-code': code,
            'x-error-message': String((err as Error)?.message ?? err).slice(0, 500),
            'x-original-topic': topic,
            'x-original-partition': String(partition),
            'x-original-offset': offset,
            'x-consumer-group': group,
          },
        },
      ],
    });
  }

  /** Stops consumers first (no new intake, in-flight handlers finish), then the producer. */
  async disconnect(): Promise<void> {
    for (const c of this.consumers) await c.disconnect();
    await this.producer.disconnect();
  }
}
