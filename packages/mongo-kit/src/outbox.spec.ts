import { bytesOf } from './bytes';
import { createLogger } from '@kyc/core';
import { DocumentLocks } from './document-locks';
import { OutboxRelay, outboxRecord, pushOutbox } from './outbox';

describe('outbox records', () => {
  it('when a record is made without an id, then it gets a fresh event id and a timestamp', () => {
    const a = outboxRecord({ topic: 't', type: 'x', key: 'k', payload: Buffer.from('p'), correlationId: 'c', causationId: '' });
    const b = outboxRecord({ topic: 't', type: 'x', key: 'k', payload: Buffer.from('p'), correlationId: 'c', causationId: '' });
    expect(a.eventId).not.toBe(b.eventId);
    expect(a.occurredAt).toBeInstanceOf(Date);
  });

  it('when records are pushed, then the update appends them in order and flags the document', () => {
    const r1 = outboxRecord({ topic: 't', type: 'x', key: 'k', payload: Buffer.alloc(0), correlationId: '', causationId: '' });
    const r2 = outboxRecord({ topic: 't', type: 'y', key: 'k', payload: Buffer.alloc(0), correlationId: '', causationId: '' });
    expect(pushOutbox(r1, r2)).toEqual({ $push: { outbox: { $each: [r1, r2] } }, $set: { outboxPending: true } });
  });
});

describe('bytesOf', () => {
  it('when the driver returns a BSON Binary-like value, then its bytes come back as a Buffer', () => {
    const inner = new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4);
    expect(bytesOf({ buffer: inner })).toEqual(Buffer.from([1, 2, 3]));
    expect(bytesOf(Buffer.from('x'))).toEqual(Buffer.from('x'));
    expect(() => bytesOf('text')).toThrow(TypeError);
  });
});

describe('OutboxRelay', () => {
  it("when the service's writer holds a document's lock, then the relay publishes but removes the records only after it", async () => {
    const record = outboxRecord({ topic: 't', type: 'x', key: 'k', payload: Buffer.from('p'), correlationId: '', causationId: '' });
    const trace: string[] = [];
    const collection = {
      find: () => ({ limit: () => ({ toArray: async () => [{ _id: 'doc-1', outbox: [record] }] }) }),
      updateOne: async (filter: object) => {
        trace.push(`update ${JSON.stringify(filter)}`);
        return { modifiedCount: 1 };
      },
    };
    const locks = new DocumentLocks();
    let release!: () => void;
    const held = locks.run('doc-1', () => new Promise<void>((resolve) => (release = resolve)));
    const relay = new OutboxRelay(collection as never, async (r) => void trace.push(`publish ${r.eventId}`), createLogger('t', 'silent'), { locks });
    const drained = relay.drain();
    await new Promise((r) => setTimeout(r, 20));
    expect(trace).toEqual([`publish ${record.eventId}`]);
    trace.push('writer done');
    release();
    await held;
    expect(await drained).toBe(1);
    expect(trace.slice(1)).toEqual([
      'writer done',
      `update {"_id":"doc-1","outbox.0.eventId":"${record.eventId}"}`,
      'update {"_id":"doc-1","outbox":{"$size":0}}',
    ]);
  });

  it('when several documents are pending, then their publishes overlap while each document keeps its own order', async () => {
    const rec = (key: string, type: string) => outboxRecord({ topic: 't', type, key, payload: Buffer.alloc(0), correlationId: '', causationId: '' });
    const docs = ['a', 'b', 'c'].map((k) => ({ _id: k, outbox: [rec(k, '1'), rec(k, '2')] }));
    const collection = {
      find: () => ({ limit: () => ({ toArray: async () => docs }) }),
      updateOne: async () => ({ modifiedCount: 1 }),
    };
    const order: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const publish = async (r: { key: string; type: string }) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 10));
      inFlight--;
      order.push(`${r.key}${r.type}`);
    };
    const relay = new OutboxRelay(collection as never, publish, createLogger('t', 'silent'), { concurrency: 3 });
    expect(await relay.drain()).toBe(6);
    expect(maxInFlight).toBe(3);
    for (const k of ['a', 'b', 'c']) expect(order.indexOf(`${k}1`)).toBeLessThan(order.indexOf(`${k}2`));
  });
});
