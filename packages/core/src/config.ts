import convict from 'convict';

export type ConfigSchema<T> = convict.Schema<T>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Loads a service's typed configuration from the environment and validates it strictly.
 * Every key declares doc, default, format and env name; a bad value throws a ConfigError whose
 * message names the key and its environment variable, so a service refuses to start on it.
 */
export function loadConfig<T>(schema: convict.Schema<T>, env: NodeJS.ProcessEnv = process.env): T {
  const config = convict(schema, { env, args: [] });
  try {
    config.validate({ allowed: 'strict' });
  } catch (err) {
    throw new ConfigError(`invalid configuration: ${(err as Error).message}`);
  }
  return config.getProperties();
}

/** Reusable convict formats. */
export const formats = {
  port: 'port' as const,
  /** A 32-byte key given as 64 hex characters. */
  hexKey256: {
    name: 'hex-key-256',
    validate(value: unknown) {
      if (typeof value !== 'string' || !/^[0-9a-fA-F]{64}$/.test(value)) {
        throw new Error('must be 64 hex characters (a 256-bit key)');
      }
    },
  },
  /** Path of a PEM file of the gRPC TLS material: required, since there is no insecure mode. */
  tlsFile: {
    name: 'tls-file',
    validate(value: unknown) {
      if (typeof value !== 'string' || value.trim() === '') {
        throw new Error(
          'must name a PEM file: gRPC between services is mutual TLS only (set GRPC_TLS_CA_FILE, GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE)',
        );
      }
    },
  },
  /** Comma-separated service names (an allow-list of callers); may be empty. */
  serviceList: {
    name: 'service-list',
    validate(value: unknown) {
      if (typeof value !== 'string') throw new Error('must be a comma-separated list of service names');
      for (const name of splitList(value)) {
        if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`"${name}" is not a service name (lower-case letters, digits, dashes)`);
      }
    },
  },
  nonEmpty: {
    name: 'non-empty-string',
    validate(value: unknown) {
      if (typeof value !== 'string' || value.trim() === '') throw new Error('must be a non-empty string');
    },
  },
};

convict.addFormat(formats.hexKey256);
convict.addFormat(formats.nonEmpty);
convict.addFormat(formats.tlsFile);
convict.addFormat(formats.serviceList);

/** Splits a comma-separated configuration value, dropping blanks. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}
