#!/usr/bin/env node
/**
 * Creates every topic of the platform (each event family and its dead-letter topic) with the
 * partition count and replication factor operators choose, before the services start. The Helm
 * chart runs it as a pre-install/pre-upgrade Job; the services still create missing topics
 * themselves at start-up (with the defaults), so it matters where the services' Kafka user may
 * not create topics, or where the defaults do not fit. Existing topics are left as they are.
 *
 *   node packages/kafka-bus/dist/cli/create-topics.js
 *
 * Configuration (environment): the services' KAFKA_* variables (kafkaConfig in @kyc/core:
 * brokers, topic prefix, TLS, SASL) and KAFKA_TOPIC_PARTITIONS, KAFKA_TOPIC_REPLICATION_FACTOR.
 */
import { ConfigError, createLogger, kafkaConfig, loadConfig } from '@kyc/core';
import { eventBusFor } from '../bus';
import { TOPICS } from '../topics';

export const topicCreationConfig = () => ({
  kafka: kafkaConfig(),
  partitions: { doc: 'Partitions of each new topic', format: 'nat', default: 3, env: 'KAFKA_TOPIC_PARTITIONS' },
  replicationFactor: {
    doc: "Replication factor of each new topic; -1: the broker's default.replication.factor",
    format: 'int',
    default: -1,
    env: 'KAFKA_TOPIC_REPLICATION_FACTOR',
  },
});

/** The CLI's configuration; a ConfigError names the variable to fix. */
export function loadTopicCreationConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(topicCreationConfig(), env);
  if (config.partitions < 1) throw new ConfigError('KAFKA_TOPIC_PARTITIONS must be at least 1');
  if (config.replicationFactor === 0 || config.replicationFactor < -1) {
    throw new ConfigError('KAFKA_TOPIC_REPLICATION_FACTOR must be -1 (the broker default) or at least 1');
  }
  return config;
}

async function main(): Promise<number> {
  const config = loadTopicCreationConfig();
  const logger = createLogger('create-topics');
  const bus = eventBusFor('kyc-create-topics', config.kafka, logger);
  const families = Object.values(TOPICS);
  await bus.ensureTopics(families, { partitions: config.partitions, replicationFactor: config.replicationFactor });
  logger.info(
    { topics: families.map((f) => bus.topic(f)), partitions: config.partitions, replicationFactor: config.replicationFactor },
    'topics and their dead-letter topics exist',
  );
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`create-topics: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
