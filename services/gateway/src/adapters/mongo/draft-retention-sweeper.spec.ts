import mongoose from 'mongoose';
import { createLogger } from '@kyc/core';
import { Registry } from 'prom-client';
import { DraftRetentionSweeper } from './draft-retention-sweeper';

const DAY = 86_400_000;
const now = new Date('2026-12-07T12:00:00Z');

function drafts(ages: Record<string, number>) {
  const rows = new Map(Object.entries(ages).map(([id, days]) => [id, new Date(now.getTime() - days * DAY)]));
  const older = (cutoff: Date) => [...rows].filter(([, at]) => at < cutoff).map(([id]) => id);
  const collection = {
    find: (q: { updatedAt: { $lt: Date } }) => ({ limit: (n: number) => ({ toArray: async () => older(q.updatedAt.$lt).slice(0, n).map((_id) => ({ _id })) }) }),
    deleteMany: async (q: { _id: { $in: string[] }; updatedAt: { $lt: Date } }) => {
      const gone = q._id.$in.filter((id) => older(q.updatedAt.$lt).includes(id));
      gone.forEach((id) => rows.delete(id));
      return { deletedCount: gone.length };
    },
  } as unknown as mongoose.mongo.Collection<mongoose.mongo.Document>;
  return { rows, collection };
}

describe('retention of abandoned drafts', () => {
  const logger = createLogger('test', 'silent');

  it('when drafts are older than the retention, then one batch of them is erased and fresh ones stay', async () => {
    const { rows, collection } = drafts({ a: 40, b: 31, c: 35, fresh: 2 });
    const metrics = new Registry();
    const sweeper = new DraftRetentionSweeper(collection, { retentionSeconds: 30 * 86_400, intervalSeconds: 60, batchSize: 2 }, logger, metrics, () => now);
    expect(await sweeper.sweepOnce()).toBe(2);
    expect(await sweeper.sweepOnce()).toBe(1);
    expect(await sweeper.sweepOnce()).toBe(0);
    expect([...rows.keys()]).toEqual(['fresh']);
    expect(await metrics.getSingleMetricAsString('gateway_abandoned_drafts_erased_total')).toContain('gateway_abandoned_drafts_erased_total 3');
  });
});
