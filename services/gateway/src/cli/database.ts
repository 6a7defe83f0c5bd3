import mongoose from 'mongoose';
import { createLogger } from '@kyc/core';
import { connectMongo } from '@kyc/mongo-kit';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { loadGatewayConfig } from '../config';

/** What an operator command needs of the gateway: its database and its master key. */
export interface GatewayDb {
  mongo: mongoose.Connection;
  cipher: PiiCipher;
}

/**
 * Runs one operator command against the gateway's database, with the gateway's configuration
 * from the environment (MONGO_URL, MONGO_DB, KYC_MASTER_KEY, ...), and closes the connection.
 */
export async function withGatewayDb<T>(work: (db: GatewayDb) => Promise<T>): Promise<T> {
  const config = loadGatewayConfig();
  const mongo = await connectMongo(config.mongo.url, config.mongo.db, createLogger('gateway-operator', 'warn'));
  try {
    return await work({ mongo, cipher: new PiiCipher(masterKeyFromHex(config.masterKey, config.masterKeyId)) });
  } finally {
    await mongo.close();
  }
}
