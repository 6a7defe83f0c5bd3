import { KafkaJSError } from 'kafkajs';
import { Logger } from '@kyc/core';

/**
 * Broker answers that only mean "not yet" during a broker's first seconds: a topic created a
 * moment ago whose metadata the broker has not applied, a partition without a leader yet,
 * `__consumer_offsets` still being created, the controller moving. kafkajs marks most of these
 * retriable but gives up on some (its createTopics only waits out LEADER_NOT_AVAILABLE and
 * wraps anything else in a non-retriable error, cause attached).
 */
const TRANSIENT_TYPES = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_OR_FOLLOWER',
  'NOT_LEADER_FOR_PARTITION',
  'COORDINATOR_NOT_AVAILABLE',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'GROUP_LOAD_IN_PROGRESS',
  'NOT_COORDINATOR',
  'NOT_COORDINATOR_FOR_GROUP',
  'NOT_CONTROLLER',
  'REQUEST_TIMED_OUT',
  'BROKER_NOT_AVAILABLE',
]);

/** A "not yet" of our own making (say, a partition whose leader is still being elected). */
export function brokerNotReady(message: string): Error {
  return Object.assign(new Error(message), { type: 'LEADER_NOT_AVAILABLE' });
}

/** Walks an error, its causes and aggregated errors: is any of it a broker that is not ready yet? */
export function isTransientKafkaError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as KafkaJSError & { type?: string; name?: string; errors?: unknown[] };
  if (typeof e.type === 'string' && TRANSIENT_TYPES.has(e.type)) return true;
  // Connection refused/closed, request timeouts, kafkajs's own lock timeouts.
  if (e.name === 'KafkaJSConnectionError' || e.name === 'KafkaJSConnectionClosedError' || e.name === 'KafkaJSRequestTimeoutError') return true;
  // kafkajs's own search for the group coordinator gave up: `__consumer_offsets` is still being
  // created on a new broker (its cause is not attached, only this name says so).
  if (e.name === 'KafkaJSGroupCoordinatorNotFound') return true;
  if (e.name === 'KafkaJSProtocolError' && e.retriable === true) return true;
  if (Array.isArray(e.errors) && e.errors.length > 0) return e.errors.every((inner) => isTransientKafkaError(inner, depth + 1));
  return isTransientKafkaError(e.cause, depth + 1);
}

export interface StartupRetryOptions {
  /** Give up after this long (the whole step, all attempts). */
  deadlineMs: number;
  /** First back-off; doubles per attempt up to maxDelayMs, with jitter. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  logger: Logger;
}

/**
 * Runs one start-up step against the broker, retrying transient broker errors with exponential
 * back-off until the deadline, then failing with a message that says what it waited for.
 * Anything else (bad configuration, authorization) fails at once.
 */
export async function retryKafkaStartupStep<T>(waitingFor: string, fn: () => Promise<T>, opts: StartupRetryOptions): Promise<T> {
  const started = Date.now();
  const initial = opts.initialDelayMs ?? 100;
  const max = opts.maxDelayMs ?? 2_000;
  const gaveUp = (attempt: number, err: unknown) =>
    new Error(
      `Kafka not ready after ${((Date.now() - started) / 1000).toFixed(1)} s: waited for ${waitingFor} (${attempt} attempts; last error: ${(err as Error).message})`,
      { cause: err },
    );
  for (let attempt = 1; ; attempt++) {
    try {
      // kafkajs retries inside one attempt too; the deadline bounds the whole step regardless.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(brokerNotReady('no answer before the start-up deadline')), Math.max(0, opts.deadlineMs - (Date.now() - started)));
      });
      try {
        return await Promise.race([fn(), deadline]);
      } finally {
        clearTimeout(timer);
      }
    } catch (err) {
      const elapsed = Date.now() - started;
      if (!isTransientKafkaError(err)) throw err;
      const delay = Math.min(max, initial * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      if (elapsed + delay > opts.deadlineMs) throw gaveUp(attempt, err);
      // The first attempts fail on every fresh broker; only say so once it takes a while.
      const line = { waitingFor, attempt, elapsedMs: elapsed, err: (err as Error).message };
      if (attempt >= 5) opts.logger.warn(line, 'kafka not ready yet; retrying');
      else opts.logger.debug(line, 'kafka not ready yet; retrying');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
