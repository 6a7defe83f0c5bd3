import { Admin, Consumer, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { KycError, Logger, registerSampledGauge, splitBrokers } from '@kyc/core';
import { injectTraceContext, kafkaConsumerSpan, kafkaProducerSpan } from '@kyc/telemetry';
import { consumerGroupLag } from './consumer-lag';
import { buildEnvelope, decodeEnvelope, encodeEnvelope, EventEnvelope, NewEvent } from './envelope';
import { brokerNotReady, retryKafkaStartupStep } from './startup';
import { dlqOf } from './topics';
import { kafkaSecurityOptions, KafkaSecurityOptions, KafkaSecuritySettings } from './connection-security';

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
  /**
   * How long each start-up step (connect, create topics, subscribe) waits out a broker that is
   * still coming up before the service gives up.
   */
  startupDeadlineMs?: number;
  /** TLS and SASL towards the brokers (kafkaSecurityOptions). */
  security?: KafkaSecurityOptions;
  /** Where to expose the lag of this bus's consumer groups (kafka_consumer_group_lag). */
  metrics?: Registry;
}

/** The `kafka` section every service's configuration has (see kafkaConfig in @kyc/core). */
export interface KafkaSettings extends KafkaSecuritySettings {
  brokers: string;
  topicPrefix: string;
  startupDeadlineMs: number;
}

/** The bus of one service, from its configuration. */
export function eventBusFor(service: string, kafka: KafkaSettings, logger: Logger, metrics?: Registry): EventBus {
  return new EventBus({
    metrics,
    brokers: splitBrokers(kafka.brokers),
    clientId: service,
    logger,
    topicPrefix: kafka.topicPrefix,
    startupDeadlineMs: kafka.startupDeadlineMs,
    security: kafkaSecurityOptions(kafka),
  });
}

export class EventBus {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly consumers: Consumer[] = [];
  private readonly prefix: string;
  private readonly logger: Logger;
  private readonly clientId: string;
  private readonly startupDeadlineMs: number;
  private readonly metrics?: Registry;
  /** Connected on the first scrape of consumer lag, kept for the next ones. */
  private lagAdmin?: Promise<Admin>;

  constructor(opts: EventBusOptions) {
    this.metrics = opts.metrics;
    this.prefix = opts.topicPrefix ?? '';
    this.startupDeadlineMs = opts.startupDeadlineMs ?? 60_000;
    this.logger = opts.logger.child({ component: 'event-bus' });
    this.clientId = opts.clientId;
    const log = this.logger;
    this.kafka = new Kafka({
      clientId: opts.clientId,
      brokers: opts.brokers,
      ...opts.security,
      connectionTimeout: 5_000,
      requestTimeout: opts.requestTimeoutMs ?? 15_000,
      // Bounded back-off (kafkajs's default grows to 30 s per wait): start-up steps have a deadline.
      retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 2_000 },
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

  /** A start-up step that waits out a broker still coming up (see retryKafkaStartupStep). */
  private startupStep<T>(waitingFor: string, fn: () => Promise<T>): Promise<T> {
    return retryKafkaStartupStep(waitingFor, fn, { deadlineMs: this.startupDeadlineMs, logger: this.logger });
  }

  async connect(): Promise<void> {
    await this.startupStep('the producer to connect (broker reachable, producer id assigned)', () => this.producer.connect());
  }

  /**
   * Creates the topics and their dead-letter topics explicitly (broker auto-creation is off:
   * it races with consumers under KRaft), then waits until every partition has a leader.
   * Already existing topics are fine.
   *
   * Why the wait is ours: on a broker that has just started, KRaft applies a new topic to the
   * broker's metadata a moment after the controller accepted it. kafkajs's createTopics then asks
   * for the topic, gets UNKNOWN_TOPIC_OR_PARTITION ("This server does not host this
   * topic-partition"), and gives up, because it only waits out LEADER_NOT_AVAILABLE.
   */
  async ensureTopics(families: string[], opts: { partitions?: number; replicationFactor?: number } = {}): Promise<void> {
    const all = families.flatMap((f) => [this.topic(f), dlqOf(this.topic(f))]);
    const admin = this.kafka.admin();
    await this.startupStep('the admin client to connect', () => admin.connect());
    try {
      await this.startupStep(`topics ${all.join(', ')} to be created`, async () => {
        const existing = new Set(await admin.listTopics());
        const wanted = all.filter((t) => !existing.has(t));
        if (wanted.length === 0) return;
        await admin
          .createTopics({
            waitForLeaders: false,
            topics: wanted.map((topic) => ({
              topic,
              numPartitions: opts.partitions ?? 3,
              replicationFactor: opts.replicationFactor ?? -1,
            })),
          })
          .catch((err: unknown) => {
            // Another service created them between listTopics and createTopics.
            if (onlyTopicAlreadyExists(err)) return;
            throw err;
          });
      });
      await this.startupStep(`leaders for every partition of ${all.join(', ')}`, async () => {
        const { topics } = await admin.fetchTopicMetadata({ topics: all });
        const leaderless = topics.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0));
        if (leaderless.length > 0) {
          throw brokerNotReady(`no leader yet for ${leaderless.map((t) => t.name).join(', ')}`);
        }
      });
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Waits until the consumer group's coordinator answers. On a fresh broker the first group
   * creates `__consumer_offsets` (50 partitions), and until it has leaders every coordinator
   * lookup answers COORDINATOR_NOT_AVAILABLE.
   */
  private async awaitGroupCoordinator(groupId: string): Promise<void> {
    const admin = this.kafka.admin();
    await this.startupStep('the admin client to connect', () => admin.connect());
    try {
      await this.startupStep(`the group coordinator of ${groupId} (__consumer_offsets being created)`, () => admin.describeGroups([groupId]));
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Publishes one event and resolves once all in-sync replicas have it. The record's headers
   * carry the W3C trace context (`traceparent`) of the event's cause.
   */
  async publish(family: string, event: NewEvent): Promise<EventEnvelope> {
    const envelope = buildEnvelope(event, this.clientId);
    const topic = this.topic(family);
    await kafkaProducerSpan(topic, event.traceContext, (trace) =>
      this.producer.send({
        topic,
        acks: -1,
        timeout: 10_000,
        messages: [{ key: envelope.aggregateId, value: encodeEnvelope(envelope), headers: { 'event-type': envelope.type, ...trace } }],
      }),
    );
    return envelope;
  }

  async subscribe(opts: SubscribeOptions): Promise<Subscription> {
    // A member that crashed holds its partitions until its session times out, and a restarted
    // service joins the group only then: 10 s (the broker's floor is 6 s) bounds that outage, with
    // three heartbeats per session so a busy event loop does not lose it.
    const consumer = this.kafka.consumer({ groupId: opts.groupId, sessionTimeout: 10_000, heartbeatInterval: 3_000 });
    this.consumers.push(consumer);
    const maxAttempts = opts.maxAttempts ?? 3;
    const log = this.logger.child({ group: opts.groupId });
    const topics = opts.topics.map((t) => this.topic(t));
    await this.awaitGroupCoordinator(opts.groupId);
    await this.startupStep(`consumer ${opts.groupId} to connect`, () => consumer.connect());
    await this.startupStep(`metadata of ${topics.join(', ')} for consumer ${opts.groupId}`, () => consumer.subscribe({ topics, fromBeginning: true }));
    await consumer.run({
      autoCommit: true,
      // One consumer span per record, continuing the trace its producer started.
      eachMessage: ({ topic, partition, message, heartbeat }) =>
        kafkaConsumerSpan({ topic, partition, offset: message.offset, group: opts.groupId, headers: message.headers }, async (span) => {
          let envelope: EventEnvelope;
          try {
            envelope = decodeEnvelope(message.value);
          } catch (err) {
            await this.deadLetter(topic, partition, message.offset, message.value, opts.groupId, 'KYC.EVENT.UNDECODABLE', err);
            return;
          }
          span.setAttribute('messaging.message.id', envelope.eventId);
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
        }),
    });
    if (this.metrics) {
      registerSampledGauge(
        this.metrics,
        { name: 'kafka_consumer_group_lag', help: 'Records not yet consumed by the group, per topic (log end minus committed offset)', labelNames: ['group', 'topic'] },
        async () => consumerGroupLag(await this.adminForLag(), opts.groupId, topics),
      );
    }
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
            // The trace of the failed handling, for whoever inspects the dead letter.
            ...injectTraceContext(),
          },
        },
      ],
    });
  }

  private adminForLag(): Promise<Admin> {
    if (!this.lagAdmin) {
      const admin = this.kafka.admin();
      this.lagAdmin = admin.connect().then(() => admin);
      // A failed connection is tried again at the next scrape.
      this.lagAdmin.catch(() => (this.lagAdmin = undefined));
    }
    return this.lagAdmin;
  }

  /** Stops consumers first (no new intake, in-flight handlers finish), then the producer. */
  async disconnect(): Promise<void> {
    const lagAdmin = this.lagAdmin;
    this.lagAdmin = undefined;
    await lagAdmin?.then((a) => a.disconnect()).catch(() => undefined);
    for (const c of this.consumers) await c.disconnect();
    await this.producer.disconnect();
  }
}

/** Every error of a createTopics call says the topic exists already (kafkajs aggregates them). */
function onlyTopicAlreadyExists(err: unknown): boolean {
  const e = err as { type?: string; errors?: Array<{ type?: string }>; cause?: unknown };
  if (e?.type === 'TOPIC_ALREADY_EXISTS') return true;
  if (Array.isArray(e?.errors) && e.errors.length > 0) return e.errors.every((inner) => inner.type === 'TOPIC_ALREADY_EXISTS');
  return e?.cause !== undefined && e.cause !== err && onlyTopicAlreadyExists(e.cause);
}
