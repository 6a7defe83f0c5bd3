import { createHmac } from 'node:crypto';
import { sign, signatureMatches, signString, timestampFresh } from './request-signing';

const params = { app_id: '2021081811091302', nonce_str: 'WS4CUJC3FXQEHDNA', time_stamp: '1563160034', user_id: 'u1', sign: 'ignored' };

describe('request signing', () => {
  it('when params are signed, then sign is excluded and names are sorted', () => {
    expect(signString(params)).toBe('app_id=2021081811091302&nonce_str=WS4CUJC3FXQEHDNA&time_stamp=1563160034&user_id=u1');
  });

  it('when a value is an object, then it is signed as JSON with sorted keys, and empty values are left out', () => {
    expect(signString({ b: { z: 1, a: '张' }, a: '', c: null })).toBe('b={"a":"张","z":1}');
  });

  it('when the signature is computed independently, then it matches the contract length and value', () => {
    const expected = createHmac('sha1', 's3cret').update(signString(params)).digest('hex');
    expect(sign('s3cret', params)).toBe(expected);
    expect(expected).toHaveLength(40);
    expect(signatureMatches('s3cret', params, expected.toUpperCase())).toBe(true);
  });

  it('when one parameter or the secret differs, then the signature does not match', () => {
    const good = sign('s3cret', params);
    expect(signatureMatches('s3cret', { ...params, user_id: 'u2' }, good)).toBe(false);
    expect(signatureMatches('other', params, good)).toBe(false);
    expect(signatureMatches('s3cret', params, good.slice(0, 39))).toBe(false);
  });

  it('when the timestamp is more than the allowed skew away, then it is stale', () => {
    const now = 1_700_000_000_000;
    expect(timestampFresh('1700000000', 300, now)).toBe(true);
    expect(timestampFresh('1699999699', 300, now)).toBe(false);
    expect(timestampFresh('1700000301', 300, now)).toBe(false);
    expect(timestampFresh('abc', 300, now)).toBe(false);
  });
});
