import { generateKeyPairSync } from 'node:crypto';
import { InvalidPublicKeyError } from '../../domain/alipay-signature';
import { companyKeyRecord, isCompanyId } from './company-key-repository';

describe('company key records', () => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

  it('when an operator gives the bare base64 key from the console, then the PEM form is stored with the same fingerprint', () => {
    const bare = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    const fromBare = companyKeyRecord(bare);
    expect(fromBare.publicKeyPem).toBe(pem);
    expect(fromBare.fingerprint).toBe(companyKeyRecord(pem).fingerprint);
  });

  it('when the file is not a usable key (a private key, garbage), then nothing is stored', () => {
    expect(() => companyKeyRecord('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')).toThrow(InvalidPublicKeyError);
    expect(() => companyKeyRecord('')).toThrow(InvalidPublicKeyError);
    const privatePem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => companyKeyRecord(privatePem)).toThrow(/private key/);
  });

  it('accepts digit-only company ids and nothing that could be a query', () => {
    expect(isCompanyId('2025010112000001')).toBe(true);
    expect(isCompanyId('52984126340489216')).toBe(true);
    for (const bad of ['', 'abc', '{"$ne":null}', '1 2', '1'.repeat(21)]) expect(isCompanyId(bad)).toBe(false);
  });
});
