import { createHash, randomUUID } from 'node:crypto';
import { submission } from '@kyc/contracts';
import { Platform } from '@kyc/dev-platform';
import { buildEnvelope, encodeEnvelope, TOPICS } from '@kyc/kafka-bus';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { kafkaClient, withMongo } from './fixtures';

/** The subject behind a user_sid, read from the gateway's session store (sessions are keyed by SHA-256 of the sid). */
export async function subjectOf(platform: Platform, sid: string): Promise<{ subjectId: string; partnerId: string }> {
  return withMongo(async (c) => {
    const s = await c
      .db(platform.dbName('gateway'))
      .collection<{ _id: string; subjectId: string; partnerId: string }>('sessions')
      .findOne({ _id: createHash('sha256').update(sid).digest('hex') });
    if (!s) throw new Error('no session');
    return { subjectId: s.subjectId, partnerId: s.partnerId };
  });
}

/** An InfoSubmitted event exactly as the gateway would publish it. */
export function infoSubmittedRecord(
  platform: Platform,
  input: { subjectId: string; partnerId: string; name: string; idcardNumber: string; eventId?: string },
) {
  const cipher = new PiiCipher(masterKeyFromHex(platform.masterKey));
  const sealedIdentity = cipher.sealString(
    JSON.stringify({ name: input.name, idcard_number: input.idcardNumber }),
    `submission:${input.subjectId}`,
  );
  const env = buildEnvelope(
    {
      type: 'kyc.submission.v1.InfoSubmitted',
      key: input.subjectId,
      eventId: input.eventId ?? randomUUID(),
      payload: submission.InfoSubmitted.encode({ subjectId: input.subjectId, partnerId: input.partnerId, sealedIdentity }).finish(),
    },
    'integration-test',
  );
  return { key: input.subjectId, value: encodeEnvelope(env), eventId: env.eventId };
}

export async function produce(topic: string, messages: { key: string; value: Buffer }[]): Promise<void> {
  const producer = kafkaClient().producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
}

export const submissionTopic = (platform: Platform) => platform.topic(TOPICS.submission);
export const reviewTopic = (platform: Platform) => platform.topic(TOPICS.review);
