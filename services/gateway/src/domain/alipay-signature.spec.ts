import { createSign, generateKeyPairSync } from 'node:crypto';
import {
  alipaySignatureMatches,
  alipaySignContent,
  chinaTimestampFresh,
  formatChinaTimestamp,
  InvalidPublicKeyError,
  parseChinaTimestamp,
  parseCompanyPublicKey,
  publicKeyFingerprint,
} from './alipay-signature';

const company = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const spkiPem = company.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const bareBase64 = spkiPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

const params = {
  companyId: '2025010112000001',
  charset: 'utf-8',
  signType: 'RSA2',
  bizContent: '{"userId":"u-1", "cardNumber":""}',
  timestamp: '2023-10-01 08:08:08',
};

/** Signs the content string as written out by hand in the tests, so the rule is checked, not echoed. */
const signText = (text: string, alg = 'RSA-SHA256', key = company.privateKey) => createSign(alg).update(text, 'utf8').sign(key, 'base64');

describe('Alipay-style signature content', () => {
  it('sorts the parameters by name, leaves out sign and empty values, and keeps bizContent as sent', () => {
    expect(alipaySignContent({ ...params, sign: 'abc', extra: '' })).toBe(
      'bizContent={"userId":"u-1", "cardNumber":""}&charset=utf-8&companyId=2025010112000001&signType=RSA2&timestamp=2023-10-01 08:08:08',
    );
  });

  it('sorts by byte order (upper case before lower case)', () => {
    expect(alipaySignContent({ b: '1', B: '2', a: '3' })).toBe('B=2&a=3&b=1');
  });
});

describe('verifying a company signature', () => {
  const content =
    'bizContent={"userId":"u-1", "cardNumber":""}&charset=utf-8&companyId=2025010112000001&signType=RSA2&timestamp=2023-10-01 08:08:08';

  it('accepts an RSA2 (SHA256withRSA) signature with the PEM key', () => {
    expect(alipaySignatureMatches(params, 'RSA2', spkiPem, signText(content))).toBe(true);
  });

  it('accepts an RSA (SHA1withRSA) signature with the bare base64 key Alipay consoles show', () => {
    const rsa1 = { ...params, signType: 'RSA' };
    expect(alipaySignatureMatches(rsa1, 'RSA', bareBase64, signText(content.replace('RSA2', 'RSA'), 'RSA-SHA1'))).toBe(true);
  });

  it('refuses a signature made with the other algorithm than the one named', () => {
    expect(alipaySignatureMatches(params, 'RSA2', spkiPem, signText(content, 'RSA-SHA1'))).toBe(false);
  });

  it('refuses a signature once bizContent is changed by one character', () => {
    const tampered = { ...params, bizContent: params.bizContent.replace('u-1', 'u-2') };
    expect(alipaySignatureMatches(tampered, 'RSA2', spkiPem, signText(content))).toBe(false);
  });

  it("refuses another company's signature and garbage", () => {
    expect(alipaySignatureMatches(params, 'RSA2', spkiPem, signText(content, 'RSA-SHA256', other.privateKey))).toBe(false);
    expect(alipaySignatureMatches(params, 'RSA2', spkiPem, 'not base64 at all!')).toBe(false);
    expect(alipaySignatureMatches(params, 'RSA2', spkiPem, '')).toBe(false);
  });
});

describe('company public keys', () => {
  it('reads PEM, bare base64 and PKCS#1 forms of the same key to the same fingerprint', () => {
    const pkcs1 = company.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const fingerprints = [spkiPem, bareBase64, pkcs1].map((k) => publicKeyFingerprint(parseCompanyPublicKey(k)));
    expect(new Set(fingerprints).size).toBe(1);
    expect(fingerprints[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprints[0]).not.toBe(publicKeyFingerprint(parseCompanyPublicKey(other.publicKey.export({ type: 'spki', format: 'pem' }).toString())));
  });

  it('refuses text that is not a key, an EC key and a short RSA key', () => {
    expect(() => parseCompanyPublicKey('hello')).toThrow(InvalidPublicKeyError);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => parseCompanyPublicKey(ec)).toThrow(/not an RSA key/);
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => parseCompanyPublicKey(short)).toThrow(/1024 bits/);
  });
});

describe('China-time timestamps', () => {
  it('reads "yyyy-MM-dd HH:mm:ss" as UTC+8', () => {
    expect(parseChinaTimestamp('2023-10-01 08:08:08')).toBe(Date.parse('2023-10-01T00:08:08Z'));
    expect(formatChinaTimestamp(Date.parse('2023-10-01T00:08:08Z'))).toBe('2023-10-01 08:08:08');
  });

  it('refuses other formats and impossible dates', () => {
    for (const bad of ['2023-10-01T08:08:08', '2023-10-01 8:08:08', '1696118888', '2023-02-30 00:00:00', '2023-10-01 24:00:00', '']) {
      expect(parseChinaTimestamp(bad)).toBeUndefined();
    }
  });

  it('is fresh within the window on either side and expired outside it', () => {
    const now = Date.parse('2024-05-01T04:00:00Z'); // 12:00 in China
    expect(chinaTimestampFresh('2024-05-01 12:04:59', 300, now)).toBe(true);
    expect(chinaTimestampFresh('2024-05-01 11:55:00', 300, now)).toBe(true);
    expect(chinaTimestampFresh('2024-05-01 11:54:59', 300, now)).toBe(false);
    // The same wall-clock time read as UTC would be eight hours off.
    expect(chinaTimestampFresh('2024-05-01 04:00:00', 300, now)).toBe(false);
  });
});
