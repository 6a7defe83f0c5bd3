import { Counter, CounterCollection } from './counter';

/** A collection that keeps documents in memory and refuses a second insert of an _id, as a unique index does. */
function memoryCollection(docs = new Map<string, Record<string, unknown>>()): CounterCollection & { docs: typeof docs; inserts: number } {
  const coll = {
    docs,
    inserts: 0,
    async findOne(filter: { _id: string }) {
      return (docs.get(filter._id) as { block?: number }) ?? null;
    },
    find(filter: { seq: string }) {
      const matching = [...docs.values()].filter((d) => d.seq === filter.seq && typeof d.n === 'number') as { n: number }[];
      return { sort: () => ({ limit: () => ({ toArray: async () => matching.sort((a, b) => b.n - a.n).slice(0, 1) }) }) };
    },
    async insertOne(doc: { _id: string }) {
      coll.inserts++;
      if (docs.has(doc._id)) throw Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
      docs.set(doc._id, doc);
    },
    async updateOne(filter: { _id: string }, update: { $max: { block: number }; $set: { seq: string } }) {
      const current = (docs.get(filter._id)?.block as number | undefined) ?? 0;
      docs.set(filter._id, { _id: filter._id, ...update.$set, block: Math.max(current, update.$max.block) });
    },
    async createIndex() {
      return 'seq_1_n_-1';
    },
  };
  return coll;
}

describe('Counter', () => {
  it('when many numbers are asked for at once, then each is handed out once and the database is written once per block', async () => {
    const coll = memoryCollection();
    const counter = new Counter(coll, 10);
    const numbers = await Promise.all(Array.from({ length: 35 }, () => counter.next('uid')));
    expect(new Set(numbers).size).toBe(35);
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 35 }, (_, i) => i + 1));
    expect(coll.inserts).toBe(4);
  });

  it('when two processes share a sequence, then their numbers never collide', async () => {
    const coll = memoryCollection();
    const [a, b] = [new Counter(coll, 5), new Counter(coll, 5)];
    const numbers = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).next('photo')));
    expect(new Set(numbers).size).toBe(40);
  });

  it('when the hint is behind (a crash between reserving and noting it), then the next block is found by trying', async () => {
    const coll = memoryCollection();
    await new Counter(coll, 5).next('case');
    coll.docs.set('case:block:2', { _id: 'case:block:2', seq: 'case', block: 2 });
    expect(await new Counter(coll, 5).next('case')).toBe(11);
  });

  it('when a sequence was written one record per number before, then new numbers come after its highest', async () => {
    const coll = memoryCollection(new Map([['uid:1', { _id: 'uid:1', seq: 'uid', n: 1 }], ['uid:23', { _id: 'uid:23', seq: 'uid', n: 23 }]]));
    expect(await new Counter(coll, 10).next('uid')).toBe(31);
  });

  it('when sequences differ, then each counts on its own', async () => {
    const counter = new Counter(memoryCollection(), 10);
    expect([await counter.next('a'), await counter.next('b'), await counter.next('a')]).toEqual([1, 1, 2]);
  });
});
