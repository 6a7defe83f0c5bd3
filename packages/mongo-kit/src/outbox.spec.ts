import { bytesOf } from './bytes';
import { outboxRecord, pushOutbox } from './outbox';

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
