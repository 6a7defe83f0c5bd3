import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { masterKeyFromHex, PiiCipher } from './index';

const cipher = new PiiCipher(masterKeyFromHex(randomBytes(32).toString('hex')));

describe('PiiCipher', () => {
  it('when a value is sealed, then it opens only with the same context', () => {
    const sealed = cipher.sealString('110101199003074514', 'case:1:id');
    expect(sealed.includes(Buffer.from('110101199003074514'))).toBe(false);
    expect(cipher.openString(sealed, 'case:1:id')).toBe('110101199003074514');
    expect(() => cipher.openString(sealed, 'case:2:id')).toThrow();
  });

  it('when a sealed value is tampered with, then opening fails', () => {
    const sealed = cipher.sealString('张三', 'n');
    sealed[sealed.length - 1] ^= 1;
    expect(() => cipher.openString(sealed, 'n')).toThrow();
  });

  it('when the same value is sealed twice, then the ciphertexts differ but the blind index matches', () => {
    expect(cipher.sealString('x', 'a').equals(cipher.sealString('x', 'a'))).toBe(false);
    expect(cipher.blindIndex('x', 'id')).toBe(cipher.blindIndex('x', 'id'));
    expect(cipher.blindIndex('x', 'id')).not.toBe(cipher.blindIndex('x', 'phone'));
  });

  it('when a master key of another id wrapped the data key, then opening fails clearly', () => {
    const other = new PiiCipher(masterKeyFromHex(randomBytes(32).toString('hex'), 'mk2'));
    expect(() => other.open(cipher.seal('x', 'a'), 'a')).toThrow(/unknown master key id/);
  });

  it('when bytes stream through encryption and back, then they round-trip', async () => {
    const data = randomBytes(300_000);
    const enc = cipher.createEncryptStream('photo:1');
    const chunks: Buffer[] = [];
    await pipeline(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), enc.stream, async function (src) {
      for await (const c of src) chunks.push(c as Buffer);
    });
    const ct = Buffer.concat(chunks);
    expect(ct.equals(data)).toBe(false);
    const dec = cipher.createDecryptStream('photo:1', enc.wrappedKey, enc.iv, enc.tag());
    const out: Buffer[] = [];
    await pipeline(Readable.from([ct]), dec, async function (src) {
      for await (const c of src) out.push(c as Buffer);
    });
    expect(Buffer.concat(out).equals(data)).toBe(true);
  });
});
