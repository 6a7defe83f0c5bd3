import { ferretDbBackend } from './postgres';

describe('ferretDbBackend', () => {
  it('is SQLite unless KYC_FERRETDB_BACKEND names PostgreSQL', () => {
    expect(ferretDbBackend({})).toBe('sqlite');
    expect(ferretDbBackend({ KYC_FERRETDB_BACKEND: ' PostgreSQL ' })).toBe('postgresql');
    expect(ferretDbBackend({ KYC_FERRETDB_BACKEND: 'sqlite' })).toBe('sqlite');
  });

  it('refuses a backend FerretDB v1 does not have, naming the choices', () => {
    expect(() => ferretDbBackend({ KYC_FERRETDB_BACKEND: 'mysql' })).toThrow(/"sqlite" or "postgresql"/);
  });
});
