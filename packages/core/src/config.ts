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
  nonEmpty: {
    name: 'non-empty-string',
    validate(value: unknown) {
      if (typeof value !== 'string' || value.trim() === '') throw new Error('must be a non-empty string');
    },
  },
};

convict.addFormat(formats.hexKey256);
convict.addFormat(formats.nonEmpty);
