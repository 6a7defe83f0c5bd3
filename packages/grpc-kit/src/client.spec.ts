import { invalidArgument, KycError, createLogger } from '@kyc/core';
import { ResilientClient } from './client';

const logger = createLogger('test', 'silent');

/** A stand-in for a generated client method: answers through the grpc-js callback. */
function fakeMethod(outcome: () => Error | null) {
  return (_req: unknown, _md: unknown, _opts: unknown, cb: (err: unknown, res: unknown) => void) => {
    const err = outcome();
    setImmediate(() => cb(err, err ? null : { ok: true }));
    return {} as never;
  };
}

const grpcError = (code: number, details: string) => Object.assign(new Error(details), { code, details, metadata: undefined });

describe('ResilientClient', () => {
  it('when the callee keeps answering INVALID_ARGUMENT, then the breaker stays closed', async () => {
    const client = new ResilientClient({ close() {} } as never, { name: 'callee', logger, breaker: { volumeThreshold: 2 } });
    const method = fakeMethod(() => grpcError(3, 'bad id'));
    for (let i = 0; i < 10; i++) {
      await expect(client.unary(method as never, {})).rejects.toMatchObject({ kind: 'invalid_argument' });
    }
    expect(client.breaker.opened).toBe(false);
    client.close();
  });

  it('when the callee keeps failing UNAVAILABLE, then the breaker opens and calls fail fast as retriable', async () => {
    const client = new ResilientClient({ close() {} } as never, { name: 'callee', logger, breaker: { volumeThreshold: 2 } });
    let calls = 0;
    const method = fakeMethod(() => {
      calls++;
      return grpcError(14, 'connection refused');
    });
    for (let i = 0; i < 5; i++) await client.unary(method as never, {}).catch(() => undefined);
    expect(client.breaker.opened).toBe(true);
    const before = calls;
    const err = await client.unary(method as never, {}).catch((e: KycError) => e);
    expect(calls).toBe(before);
    expect(err).toMatchObject({ code: 'KYC.GRPC.BREAKER_OPEN', retriable: true });
    client.close();
  });

  it('when the callee answers, then the response comes back', async () => {
    const client = new ResilientClient({ close() {} } as never, { name: 'callee', logger });
    await expect(client.unary(fakeMethod(() => null) as never, {})).resolves.toEqual({ ok: true });
    client.close();
  });

  it('when requests cannot be encoded, then they fail locally and the breaker stays closed for other callers', async () => {
    const client = new ResilientClient({ close() {} } as never, { name: 'callee', logger, breaker: { volumeThreshold: 2 } });
    let calls = 0;
    const method = Object.assign(
      fakeMethod(() => {
        calls++;
        return null;
      }),
      {
        // Like a generated int32 field: 2^31 does not fit.
        requestSerialize: (req: { round: number }) => {
          if (req.round > 2 ** 31 - 1) throw new Error('invalid int32: 2147483648');
          return Buffer.alloc(0);
        },
      },
    );
    for (let i = 0; i < 10; i++) {
      await expect(client.unary(method as never, { round: 2 ** 31 })).rejects.toMatchObject({ code: 'KYC.GRPC.REQUEST_UNSERIALIZABLE' });
    }
    expect(calls).toBe(0);
    expect(client.breaker.opened).toBe(false);
    await expect(client.unary(method as never, { round: 1 })).resolves.toEqual({ ok: true });
    client.close();
  });

  it('when grpc-js itself reports a serialization failure, then the breaker does not count it', async () => {
    const client = new ResilientClient({ close() {} } as never, { name: 'callee', logger, breaker: { volumeThreshold: 2 } });
    const method = fakeMethod(() => grpcError(13, 'Request message serialization failure: invalid int32'));
    for (let i = 0; i < 10; i++) await client.unary(method as never, {}).catch(() => undefined);
    expect(client.breaker.opened).toBe(false);
    client.close();
  });

  it('a KycError survives the trip through gRPC status and back', () => {
    expect(invalidArgument('X.Y', 'm').kind).toBe('invalid_argument');
  });
});
