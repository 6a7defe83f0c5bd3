import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { createPartner, mintSession, PartnerCredentials, Platform, startPlatform } from '@kyc/dev-platform';

export function infra() {
  const kafkaBrokers = process.env.KYC_TEST_KAFKA_BROKERS;
  const mongoUrl = process.env.KYC_TEST_MONGO_URL;
  if (!kafkaBrokers || !mongoUrl) throw new Error('dev services are not running: global setup did not complete');
  return { kafkaBrokers, mongoUrl };
}

export const uniqueNamespace = (label: string) => `t${Date.now().toString(36)}${randomBytes(2).toString('hex')}_${label}`;

/**
 * The gateway reuses a resolved session or partner this long (AUTH_CACHE_SECONDS): the documented bound on
 * how late a revoked session or a rotated secret stops working. Tests run with a short one and wait it out.
 */
export const AUTH_CACHE_SECONDS = 1;
export const credentialCachePassed = () => new Promise((r) => setTimeout(r, AUTH_CACHE_SECONDS * 1000 + 250));

/** A platform of five real service processes with its own databases and topics (and extra environment for every service). */
export async function bootPlatform(label: string, env?: Record<string, string>): Promise<Platform> {
  return startPlatform({ ...infra(), namespace: uniqueNamespace(label), env: { AUTH_CACHE_SECONDS: String(AUTH_CACHE_SECONDS), ...env } });
}

export interface PartnerUser {
  partner: PartnerCredentials;
  sid: string;
}

export async function partnerWithUser(platform: Platform, userId = 'user-1'): Promise<PartnerUser> {
  const partner = await createPartner(platform, `partner ${userId}`);
  return { partner, sid: await mintSession(platform.gatewayUrl, partner, userId) };
}

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 150): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function kafkaClient(): Kafka {
  return new Kafka({ clientId: 'integration-test', brokers: [infra().kafkaBrokers], logLevel: logLevel.NOTHING });
}

export async function withMongo<T>(fn: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(infra().mongoUrl, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** Reads every record of a topic from the beginning (for assertions on what was published). */
export async function readTopic(topic: string, waitMs = 3_000): Promise<{ key: string; value: Buffer; headers: Record<string, string> }[]> {
  const consumer = kafkaClient().consumer({ groupId: `reader-${randomBytes(4).toString('hex')}` });
  const out: { key: string; value: Buffer; headers: Record<string, string> }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      out.push({ key: String(message.key), value: message.value ?? Buffer.alloc(0), headers });
    },
  });
  await new Promise((r) => setTimeout(r, waitMs));
  await consumer.disconnect();
  return out;
}

export const json = async (res: Response) => (await res.json()) as any;

export async function getJson(url: string) {
  return json(await fetch(url));
}

export async function postJson(url: string, body: unknown) {
  return json(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
}
