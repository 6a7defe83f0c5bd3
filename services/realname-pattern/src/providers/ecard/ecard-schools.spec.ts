import { parseEcardSchools } from './ecard-schools';

const SECRET = Buffer.alloc(32, 7).toString('base64');
const school = (over: Record<string, unknown> = {}) => ({ url: 'https://ecard.school.example/kyc/', keyId: '2024-09', secret: SECRET, ...over });
const parse = (schools: unknown) => parseEcardSchools(JSON.stringify(schools), 'ECARD_SCHOOLS_FILE');

describe('e-card schools file', () => {
  it('when a school is well described, then its connector is known, the key decoded and aes-256-gcm the default scheme', () => {
    const schools = parse({ '1001': school(), '1002': school({ url: 'http://127.0.0.1:8080', passwordScheme: 'plain' }) });
    expect(schools.get('1001')).toEqual({ customerCode: '1001', url: 'https://ecard.school.example/kyc', keyId: '2024-09', secret: Buffer.alloc(32, 7), passwordScheme: 'aes-256-gcm' });
    expect(schools.get('1002')).toMatchObject({ url: 'http://127.0.0.1:8080', passwordScheme: 'plain' });
  });

  it.each([
    ['a plain-HTTP URL to another host', school({ url: 'http://ecard.school.example' }), 'url must be an https URL (http only to a loopback address)'],
    ['a URL with a query string', school({ url: 'https://ecard.school.example/?k=v' }), 'url must be an https URL'],
    ['a key shorter than 32 bytes', school({ secret: Buffer.alloc(16).toString('base64') }), 'secret must hold at least 32 bytes'],
    ['a key that is not base64', school({ secret: 'not base64!' }), 'secret must be base64'],
    ['an unknown password scheme', school({ passwordScheme: 'md5' }), 'passwordScheme must be one of aes-256-gcm, plain'],
    ['no key id', school({ keyId: '' }), 'keyId must be'],
  ])('when a school has %s, then loading fails naming the school and the field, never the key', (_what, entry, message) => {
    const load = () => parse({ '1001': entry });
    expect(load).toThrow(`ECARD_SCHOOLS_FILE: school "1001": ${message}`);
    try {
      load();
    } catch (err) {
      expect((err as Error).message).not.toContain(SECRET);
    }
  });

  it('when the file is not a JSON object, then loading fails saying so', () => {
    expect(() => parseEcardSchools('[', 'ECARD_SCHOOLS_FILE')).toThrow('ECARD_SCHOOLS_FILE: not valid JSON');
    expect(() => parse([school()])).toThrow('ECARD_SCHOOLS_FILE: must be a JSON object keyed by customerCode');
  });
});
