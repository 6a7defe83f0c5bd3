import { buildEnvelope, decodeEnvelope, encodeEnvelope } from './envelope';

describe('event envelope', () => {
  it('when an event is encoded and decoded, then ids, key and payload survive', () => {
    const env = buildEnvelope({ type: 't.v1.X', key: 'subject-1', payload: Buffer.from([1, 2, 3]), causationId: 'c' }, 'svc');
    const back = decodeEnvelope(encodeEnvelope(env));
    expect(back.eventId).toBe(env.eventId);
    expect(back.aggregateId).toBe('subject-1');
    expect(back.correlationId).toBe(env.eventId);
    expect(back.causationId).toBe('c');
    expect(Buffer.from(back.payload)).toEqual(Buffer.from([1, 2, 3]));
    expect(back.occurredAt).toBeInstanceOf(Date);
  });

  it('when the bytes are not an envelope, then decoding refuses them', () => {
    expect(() => decodeEnvelope(Buffer.from('not protobuf at all'))).toThrow();
    expect(() => decodeEnvelope(null)).toThrow(/empty/);
  });
});
