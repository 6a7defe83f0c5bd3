import { ConfigError, loadConfig } from './config';
import { grpcServerConfig, grpcTlsConfig, listenConfig, masterKeyConfig } from './config-fragments';

const schema = { ...listenConfig(50051, 9464), ...masterKeyConfig() };

describe('loadConfig', () => {
  it('when every value is valid, then it returns typed values', () => {
    const cfg = loadConfig(schema, { GRPC_PORT: '6000', KYC_MASTER_KEY: 'a'.repeat(64) });
    expect(cfg.grpcPort).toBe(6000);
    expect(cfg.metricsPort).toBe(9464);
  });

  it('when a value is bad, then it refuses and names the key', () => {
    expect(() => loadConfig(schema, { GRPC_PORT: 'eighty', KYC_MASTER_KEY: 'a'.repeat(64) })).toThrow(ConfigError);
    expect(() => loadConfig(schema, { GRPC_PORT: 'eighty', KYC_MASTER_KEY: 'a'.repeat(64) })).toThrow(/grpcPort/);
    expect(() => loadConfig(schema, { KYC_MASTER_KEY: 'short' })).toThrow(/masterKey/);
  });
});

describe('gRPC configuration fragments', () => {
  const grpcSchema = { grpc: grpcServerConfig(50062, 'gateway,realname-pattern'), grpcTls: grpcTlsConfig() };
  const tls = { GRPC_TLS_CA_FILE: '/tls/ca.crt', GRPC_TLS_CERT_FILE: '/tls/tls.crt', GRPC_TLS_KEY_FILE: '/tls/tls.key' };

  it('when only the TLS files are given, then the server listens on every address with its default callers', () => {
    expect(loadConfig(grpcSchema, tls)).toEqual({
      grpc: { host: '0.0.0.0', healthHost: '0.0.0.0', healthPort: 50062, allowedCallers: 'gateway,realname-pattern' },
      grpcTls: { caFile: '/tls/ca.crt', certFile: '/tls/tls.crt', keyFile: '/tls/tls.key' },
    });
  });

  it('when the TLS files are missing, then it refuses and names the variables (there is no insecure mode)', () => {
    expect(() => loadConfig(grpcSchema, {})).toThrow(/grpcTls\.caFile: .*GRPC_TLS_CA_FILE, GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE/);
  });

  it('when an allowed caller is not a service name, then it refuses', () => {
    expect(() => loadConfig(grpcSchema, { ...tls, GRPC_ALLOWED_CALLERS: 'gateway, Not A Service' })).toThrow(/grpc\.allowedCallers/);
    expect(loadConfig(grpcSchema, { ...tls, GRPC_ALLOWED_CALLERS: '' }).grpc.allowedCallers).toBe('');
  });
});
