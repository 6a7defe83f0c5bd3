import { ConfigError, loadConfig } from './config';
import { listenConfig, masterKeyConfig } from './config-fragments';

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
