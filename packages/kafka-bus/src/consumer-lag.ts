import { Admin } from 'kafkajs';
import { Sample } from '@kyc/core';

/**
 * How far a consumer group is behind, per topic: the sum over partitions of the log end offset
 * minus the group's committed offset (a partition the group has never committed on counts from
 * the log start, which is where a new group begins: fromBeginning).
 */
export async function consumerGroupLag(admin: Admin, groupId: string, topics: string[]): Promise<Sample<'group' | 'topic'>[]> {
  const committed = await admin.fetchOffsets({ groupId, topics });
  return Promise.all(
    committed.map(async ({ topic, partitions }) => {
      const ends = await admin.fetchTopicOffsets(topic);
      const committedOf = new Map(partitions.map((p) => [p.partition, Number(p.offset)]));
      const value = ends.reduce((sum, end) => sum + partitionLag(Number(end.high), Number(end.low), committedOf.get(end.partition)), 0);
      return { labels: { group: groupId, topic }, value };
    }),
  );
}

export function partitionLag(high: number, low: number, committed: number | undefined): number {
  const from = committed === undefined || committed < 0 ? low : Math.max(committed, low);
  return Math.max(0, high - from);
}
