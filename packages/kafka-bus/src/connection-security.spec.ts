import { ConfigError } from '@kyc/core';
import { kafkaSecurityOptions } from './connection-security';

const caPem = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const files = (path: string) => {
  if (path === '/etc/kyc/kafka-tls/ca.crt') return caPem;
  throw new Error(`ENOENT: no such file or directory, open '${path}'`);
};

describe('TLS and SASL towards the brokers', () => {
  it('when nothing is configured, then the bus connects in plaintext without SASL', () => {
    expect(kafkaSecurityOptions({ tls: false, tlsCaFile: '', saslMechanism: '', saslUsername: '', saslPassword: '' }, files)).toEqual({});
  });

  it('when TLS is on with a CA file, then only that CA is trusted', () => {
    expect(kafkaSecurityOptions({ tls: true, tlsCaFile: '/etc/kyc/kafka-tls/ca.crt' }, files)).toEqual({ ssl: { ca: [caPem] } });
  });

  it('when TLS is on without a CA file, then the system CAs are trusted', () => {
    expect(kafkaSecurityOptions({ tls: true }, files)).toEqual({ ssl: true });
  });

  it('when SCRAM credentials are given, then kafkajs gets the mechanism, user and password', () => {
    const options = kafkaSecurityOptions({ tls: true, saslMechanism: 'scram-sha-512', saslUsername: 'kyc', saslPassword: 's3cret' }, files);
    expect(options).toEqual({ ssl: true, sasl: { mechanism: 'scram-sha-512', username: 'kyc', password: 's3cret' } });
  });

  it('when the CA file cannot be read, then the error names KAFKA_TLS_CA_FILE and the path', () => {
    expect(() => kafkaSecurityOptions({ tls: true, tlsCaFile: '/missing/ca.crt' }, files)).toThrow(ConfigError);
    expect(() => kafkaSecurityOptions({ tls: true, tlsCaFile: '/missing/ca.crt' }, files)).toThrow(/KAFKA_TLS_CA_FILE: cannot read \/missing\/ca\.crt/);
  });

  it('when a CA file is given but TLS is off, then it is refused instead of silently connecting in plaintext', () => {
    expect(() => kafkaSecurityOptions({ tls: false, tlsCaFile: '/etc/kyc/kafka-tls/ca.crt' }, files)).toThrow(/KAFKA_TLS=true/);
  });

  it('when a SASL mechanism lacks its password, then the error says which variables to set, without any credential', () => {
    const attempt = () => kafkaSecurityOptions({ saslMechanism: 'plain', saslUsername: 'kyc-user', saslPassword: '' }, files);
    expect(attempt).toThrow(/KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD must both be set/);
    expect(attempt).not.toThrow(/kyc-user/);
  });

  it('when credentials are given without a mechanism, or with an unknown one, then they are refused', () => {
    expect(() => kafkaSecurityOptions({ saslUsername: 'kyc', saslPassword: 'x' }, files)).toThrow(/KAFKA_SASL_MECHANISM is empty/);
    expect(() => kafkaSecurityOptions({ saslMechanism: 'gssapi', saslUsername: 'kyc', saslPassword: 'x' }, files)).toThrow(
      /"gssapi" is not one of plain, scram-sha-256, scram-sha-512/,
    );
  });
});
