import { ConfigError } from '@kyc/core';
import { kafkaSecurityOptions } from '../connection-security';
import { loadTopicCreationConfig } from './create-topics';

describe('the create-topics CLI configuration (the Helm chart\'s topic Job)', () => {
  it('when the Job sets partitions, replication factor, TLS and SCRAM, then all of them are read', () => {
    const config = loadTopicCreationConfig({
      KAFKA_BROKERS: 'kafka-0.kafka:9093,kafka-1.kafka:9093',
      KAFKA_TOPIC_PREFIX: 'prod.',
      KAFKA_TOPIC_PARTITIONS: '6',
      KAFKA_TOPIC_REPLICATION_FACTOR: '3',
      KAFKA_TLS: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'kyc',
      KAFKA_SASL_PASSWORD: 'pw',
    });
    expect(config).toMatchObject({ partitions: 6, replicationFactor: 3, kafka: { brokers: 'kafka-0.kafka:9093,kafka-1.kafka:9093', topicPrefix: 'prod.', tls: true } });
    expect(kafkaSecurityOptions(config.kafka)).toEqual({ ssl: true, sasl: { mechanism: 'scram-sha-512', username: 'kyc', password: 'pw' } });
  });

  it('when nothing is set, then 3 partitions and the broker default replication factor, in plaintext', () => {
    const config = loadTopicCreationConfig({});
    expect(config).toMatchObject({ partitions: 3, replicationFactor: -1, kafka: { tls: false, saslMechanism: '' } });
  });

  it('when the counts make no topic, then the variable is named', () => {
    expect(() => loadTopicCreationConfig({ KAFKA_TOPIC_PARTITIONS: '0' })).toThrow(/KAFKA_TOPIC_PARTITIONS must be at least 1/);
    expect(() => loadTopicCreationConfig({ KAFKA_TOPIC_REPLICATION_FACTOR: '0' })).toThrow(ConfigError);
    expect(() => loadTopicCreationConfig({ KAFKA_TOPIC_REPLICATION_FACTOR: '-2' })).toThrow(/KAFKA_TOPIC_REPLICATION_FACTOR/);
  });

  it('when the SASL mechanism is not one Kafka clients here support, then configuration fails', () => {
    expect(() => loadTopicCreationConfig({ KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/KAFKA_SASL_MECHANISM|saslMechanism/);
  });
});
