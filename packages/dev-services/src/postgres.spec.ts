import { ferretDbBackend } from './postgres';

describe('ferretDbBackend', () => {
  it('is PostgreSQL unless KYC_FERRETDB_BACKEND names SQLite', () => {
    expect(ferretDbBackend({})).toBe('postgresql');
    expect(ferretDbBackend({ KYC_FERRETDB_BACKEND: ' PostgreSQL ' })).toBe('postgresql');
    expect(ferretDbBackend({ KYC_FERRETDB_BACKEND: 'sqlite' })).toBe('sqlite');
  });

  it('refuses a backend FerretDB v1 does not have, naming the choices', () => {
    expect(() => ferretDbBackend({ KYC_FERRETDB_BACKEND: 'mysql' })).toThrow(/"sqlite" or "postgresql"/);
  });
});
