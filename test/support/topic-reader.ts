import { Kafka, KafkaMessage, logLevel } from 'kafkajs';

/**
 * Reads every record that topics hold now, from the beginning, and returns once each partition's
 * end (its high watermark when the read began) is reached. For checks over what a run left in Kafka.
 */
export async function readEveryRecord(
  brokers: string,
  filter: (topic: string) => boolean,
  onRecord: (topic: string, message: KafkaMessage) => void,
): Promise<{ topics: number; records: number }> {
  const client = new Kafka({ clientId: 'topic-reader', brokers: [brokers], logLevel: logLevel.NOTHING });
  const admin = client.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__') && filter(t));
  const ends = new Map<string, number>();
  for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) if (Number(p.high) > 0) ends.set(`${topic}/${p.partition}`, Number(p.high));
  await admin.disconnect();
  let records = 0;
  if (ends.size === 0) return { topics: topics.length, records };
  const consumer = client.consumer({ groupId: `topic-reader-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ topic, partition, message }) => {
          records++;
          onRecord(topic, message);
          if (Number(message.offset) + 1 >= (ends.get(`${topic}/${partition}`) ?? 0)) ends.delete(`${topic}/${partition}`);
          if (ends.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return { topics: topics.length, records };
}
