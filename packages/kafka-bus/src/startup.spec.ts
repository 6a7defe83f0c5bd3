import { KafkaJSGroupCoordinatorNotFound, KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { createLogger } from '@kyc/core';
import { isTransientKafkaError, retryKafkaStartupStep } from './startup';

const logger = createLogger('startup-spec', 'silent');

/** The error a fresh KRaft broker gives for a topic it has not applied yet. */
const unknownTopic = () =>
  new KafkaJSProtocolError({ message: 'This server does not host this topic-partition', type: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3, retriable: true } as never);

describe('start-up against a broker that is still coming up', () => {
  it('counts "not yet" answers as transient, even when kafkajs wrapped them as non-retriable', () => {
    expect(isTransientKafkaError(unknownTopic())).toBe(true);
    // kafkajs's createTopics bails out on UNKNOWN_TOPIC_OR_PARTITION like this:
    expect(isTransientKafkaError(new KafkaJSNonRetriableError(unknownTopic(), { cause: unknownTopic() }))).toBe(true);
    expect(isTransientKafkaError(Object.assign(new Error('aggregate'), { errors: [unknownTopic(), unknownTopic()] }))).toBe(true);
    expect(isTransientKafkaError(Object.assign(new Error('refused'), { name: 'KafkaJSConnectionError' }))).toBe(true);
    // A consumer joining while __consumer_offsets is still being created (seen in the test command):
    expect(isTransientKafkaError(new KafkaJSGroupCoordinatorNotFound('Failed to find group coordinator'))).toBe(true);
  });

  it('counts configuration and authorization errors as final', () => {
    const denied = new KafkaJSProtocolError({ message: 'denied', type: 'TOPIC_AUTHORIZATION_FAILED', code: 29, retriable: false } as never);
    expect(isTransientKafkaError(denied)).toBe(false);
    expect(isTransientKafkaError(new Error('invalid replication factor'))).toBe(false);
  });

  it('when the broker answers "not yet" a few times, then the step is retried until it succeeds', async () => {
    let calls = 0;
    const result = await retryKafkaStartupStep(
      'topics',
      async () => {
        if (++calls < 4) throw unknownTopic();
        return 'created';
      },
      { deadlineMs: 5_000, initialDelayMs: 1, logger },
    );
    expect(result).toBe('created');
    expect(calls).toBe(4);
  });

  it('when an error is final, then it fails at once', async () => {
    let calls = 0;
    const final = new Error('bad config');
    await expect(
      retryKafkaStartupStep('topics', async () => {
        calls++;
        throw final;
      }, { deadlineMs: 5_000, initialDelayMs: 1, logger }),
    ).rejects.toBe(final);
    expect(calls).toBe(1);
  });

  it('when the broker never gets ready, then it gives up at the deadline naming what it waited for', async () => {
    await expect(
      retryKafkaStartupStep('the group coordinator of g1', async () => {
        throw unknownTopic();
      }, { deadlineMs: 200, initialDelayMs: 10, logger }),
    ).rejects.toThrow(/^Kafka not ready after [\d.]+ s: waited for the group coordinator of g1 \(\d+ attempts; last error: This server does not host/);
  });

  it('when one attempt hangs, then the deadline still ends the step', async () => {
    await expect(
      retryKafkaStartupStep('the producer to connect', () => new Promise(() => undefined), { deadlineMs: 100, logger }),
    ).rejects.toThrow(/waited for the producer to connect/);
  });
});
