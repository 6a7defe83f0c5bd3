import mongoose from 'mongoose';
import { createLogger } from '@kyc/core';
import { AbandonedUploadSweeper } from './abandoned-upload-sweeper';

const DAY = 86_400_000;
const now = new Date('2026-12-07T12:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * DAY);

/** Subject documents, found by the sweeper's query and erased through eraseIf as photo-storage would. */
function store(docs: Record<string, { updatedAt: Date; lockRound?: number }>) {
  const rows = new Map(Object.entries(docs));
  const collection = {
    find: (q: { lockRound: { $exists: boolean }; updatedAt: { $lt: Date } }) => ({
      limit: (n: number) => ({
        toArray: async () =>
          [...rows]
            .filter(([, d]) => d.lockRound === undefined && d.updatedAt < q.updatedAt.$lt)
            .slice(0, n)
            .map(([_id]) => ({ _id })),
      }),
    }),
  } as unknown as mongoose.mongo.Collection<mongoose.mongo.Document>;
  const erasure = {
    eraseIf: async (id: string, still: (doc: mongoose.mongo.Document) => boolean) => {
      const doc = rows.get(id);
      if (!doc || !still(doc)) return 0;
      rows.delete(id);
      return 3;
    },
  };
  return { rows, collection, erasure };
}

describe('retention of abandoned uploads', () => {
  const logger = createLogger('test', 'silent');
  const settings = { retentionSeconds: 30 * 86_400, intervalSeconds: 60, batchSize: 10 };

  it('when a subject never submitted and its photos are older than the retention, then they are erased; fresh and submitted ones stay', async () => {
    const { rows, collection, erasure } = store({
      abandoned: { updatedAt: daysAgo(45) },
      fresh: { updatedAt: daysAgo(3) },
      submitted: { updatedAt: daysAgo(90), lockRound: 1 },
    });
    const sweeper = new AbandonedUploadSweeper(collection, erasure, settings, logger, undefined, () => now);
    expect(await sweeper.sweepOnce()).toBe(1);
    expect([...rows.keys()].sort()).toEqual(['fresh', 'submitted']);
  });

  it('when a subject uploads again between the query and the erasure, then it is kept', async () => {
    const { rows, collection, erasure } = store({ racing: { updatedAt: daysAgo(45) } });
    const touching = { eraseIf: (id: string, still: (doc: mongoose.mongo.Document) => boolean) => ((rows.get(id)!.updatedAt = now), erasure.eraseIf(id, still)) };
    const sweeper = new AbandonedUploadSweeper(collection, touching, settings, logger, undefined, () => now);
    expect(await sweeper.sweepOnce()).toBe(0);
    expect(rows.has('racing')).toBe(true);
  });
});
