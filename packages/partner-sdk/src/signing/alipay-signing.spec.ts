import { createPrivateKey, createPublicKey, createVerify } from 'node:crypto';
import { tagDescription, workedExample } from '../test-support/description';
import { alipaySign, alipayStringToSign, chinaTimestamp, signIdcardCheck } from './alipay-signing';

const example = workedExample(tagDescription('idcard-check'));
/** The worked example's "name=value" lines as parameters. */
const params = Object.fromEntries(example.parameters.split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
const publicKey = createPublicKey(createPrivateKey(example.key));
const verifies = (digest: string, text: string, sign: string) => createVerify(digest).update(text, 'utf8').verify(publicKey, sign, 'base64');

describe('seed 004 signing (Alipay rule)', () => {
  it('when the worked example of the API description is signed with RSA2, then the string and sign are the documented ones', () => {
    expect(alipayStringToSign(params)).toBe(example.stringToSign);
    expect(alipaySign(params, example.key, 'RSA2')).toBe(example.sign);
  });

  it('when the key is given as the bare base64 PKCS#8 of Alipay\'s key tool, then the sign is the same', () => {
    const bare = example.key.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    expect(alipaySign(params, bare, 'RSA2')).toBe(example.sign);
  });

  it('when signed with RSA, then the sign is SHA1withRSA of the same string', () => {
    const sign = alipaySign({ ...params, signType: 'RSA' }, example.key, 'RSA');
    expect(verifies('RSA-SHA1', alipayStringToSign({ ...params, signType: 'RSA' }), sign)).toBe(true);
    expect(verifies('RSA-SHA256', alipayStringToSign({ ...params, signType: 'RSA' }), sign)).toBe(false);
  });

  it('when a query is signed, then bizContent is the JSON sent, the timestamp is China time and the sign covers them', () => {
    const at = Date.UTC(2026, 10, 23, 8, 58, 1);
    const signed = signIdcardCheck({ companyId: '2021081811091302', privateKey: example.key }, { userId: 'demo-user-2' }, at);
    expect(signed).toMatchObject({ companyId: '2021081811091302', charset: 'utf-8', signType: 'RSA2', bizContent: '{"userId":"demo-user-2"}', timestamp: '2026-11-23 16:58:01' });
    expect(signed.sign).toBe(example.sign);
    expect(chinaTimestamp(Date.UTC(2026, 11, 31, 16, 0, 0))).toBe('2027-01-01 00:00:00');
  });
});
