import { DocumentLocks } from './document-locks';

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

});
