import { DocumentLocks, withSerializedUpdates } from './document-locks';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('document locks', () => {
  it('when two writers use the same key, then the second starts only after the first finished', async () => {
    const locks = new DocumentLocks();
    const trace: string[] = [];
    const writer = (name: string) =>
      locks.run('case-1', async () => {
        trace.push(`${name} start`);
        await tick();
        trace.push(`${name} end`);
        return name;
      });
    expect(await Promise.all([writer('a'), writer('b'), writer('c')])).toEqual(['a', 'b', 'c']);
    expect(trace).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect(locks.size).toBe(0);
  });

  it('when writers use different keys, then they run side by side', async () => {
    const locks = new DocumentLocks();
    const trace: string[] = [];
    await Promise.all(
      ['x', 'y'].map((k) =>
        locks.run(k, async () => {
          trace.push(`${k} start`);
          await tick();
          trace.push(`${k} end`);
        }),
      ),
    );
    expect(trace.slice(0, 2).sort()).toEqual(['x start', 'y start']);
  });

  it('when a writer fails, then the error reaches its caller and the next writer still runs', async () => {
    const locks = new DocumentLocks();
    const failing = locks.run('k', async () => {
      throw new Error('boom');
    });
    const next = locks.run('k', async () => 'ok');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });

  it('when a wrapped collection is updated, then updates of one document are serialized and other calls pass through', async () => {
    const locks = new DocumentLocks();
    const trace: string[] = [];
    const fake = {
      name: 'review_cases',
      async updateOne(filter: { _id: string }, update: { n: number }) {
        trace.push(`start ${filter._id} ${update.n}`);
        await tick();
        trace.push(`end ${filter._id} ${update.n}`);
        return { modifiedCount: 1 };
      },
      find() {
        return this.name;
      },
    };
    const wrapped = withSerializedUpdates(fake as never, locks) as unknown as typeof fake;
    await Promise.all([wrapped.updateOne({ _id: 'd' }, { n: 1 }), wrapped.updateOne({ _id: 'd' }, { n: 2 })]);
    expect(trace).toEqual(['start d 1', 'end d 1', 'start d 2', 'end d 2']);
    expect(wrapped.find()).toBe('review_cases');
  });
});
