/**
 * TLS and SASL towards the brokers, from the `kafka` section of a service's configuration
 * (kafkaConfig in @kyc/core), so the platform can use a managed or existing Kafka that requires
 * encryption and authentication. Without them the bus connects in plaintext, as in development.
 */
import { readFileSync } from 'node:fs';
import type { SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';
import { ConfigError } from '@kyc/core';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export interface KafkaSecuritySettings {
  /** Connect over TLS. */
  tls?: boolean;
  /** PEM file of the CA(s) that sign the brokers' certificates; empty: the system CAs. */
  tlsCaFile?: string;
  /** Empty: no SASL. */
  saslMechanism?: string;
  saslUsername?: string;
  saslPassword?: string;
}

export interface KafkaSecurityOptions {
  ssl?: boolean | ConnectionOptions;
  sasl?: SASLOptions;
}

/** kafkajs's `ssl` and `sasl` options; a ConfigError names the variable to fix. */
export function kafkaSecurityOptions(
  settings: KafkaSecuritySettings,
  readFile: (path: string) => Buffer = readFileSync,
): KafkaSecurityOptions {
  const out: KafkaSecurityOptions = {};
  if (settings.tlsCaFile && !settings.tls) {
    throw new ConfigError('KAFKA_TLS_CA_FILE is set but KAFKA_TLS is not true: set KAFKA_TLS=true to connect to the brokers over TLS');
  }
  if (settings.tls) {
    if (settings.tlsCaFile) {
      let ca: Buffer;
      try {
        ca = readFile(settings.tlsCaFile);
      } catch (err) {
        throw new ConfigError(`KAFKA_TLS_CA_FILE: cannot read ${settings.tlsCaFile}: ${(err as Error).message}`);
      }
      out.ssl = { ca: [ca] };
    } else {
      out.ssl = true;
    }
  }
  const mechanism = settings.saslMechanism ?? '';
  if (mechanism !== '') {
    if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
      throw new ConfigError(`KAFKA_SASL_MECHANISM: "${mechanism}" is not one of ${SASL_MECHANISMS.join(', ')}`);
    }
    if (!settings.saslUsername || !settings.saslPassword) {
      throw new ConfigError(`KAFKA_SASL_MECHANISM is ${mechanism}: KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD must both be set`);
    }
    out.sasl = { mechanism: mechanism as SaslMechanism, username: settings.saslUsername, password: settings.saslPassword } as SASLOptions;
  } else if (settings.saslUsername || settings.saslPassword) {
    throw new ConfigError('KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD are set but KAFKA_SASL_MECHANISM is empty: name the mechanism');
  }
  return out;
}
