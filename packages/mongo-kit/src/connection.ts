import mongoose from 'mongoose';
import { Logger } from '@kyc/core';

/**
 * One connection per service, to the service's own database. Timeouts are explicit so a missing
 * server fails a request in seconds instead of hanging it.
 */
export async function connectMongo(url: string, dbName: string, logger: Logger): Promise<mongoose.Connection> {
  const conn = mongoose.createConnection(url, {
    dbName,
    serverSelectionTimeoutMS: 10_000,
    connectTimeoutMS: 10_000,
    socketTimeoutMS: 30_000,
    maxPoolSize: 20,
    // Indexes are created explicitly at boot (ensureIndexes) so failures surface there.
    autoIndex: false,
    autoCreate: false,
  });
  await conn.asPromise();
  logger.info({ dbName }, 'mongo connected');
  return conn;
}

/** Creates the declared indexes of the given models; safe to repeat at every boot. */
/** The parts of a mongoose model that index creation needs (any schema type). */
export interface IndexedModel {
  createCollection(): Promise<unknown>;
  createIndexes(): Promise<unknown>;
}

export async function ensureIndexes(models: IndexedModel[]): Promise<void> {
  for (const model of models) {
    await model.createCollection().catch((err: { codeName?: string }) => {
      if (err.codeName !== 'NamespaceExists') throw err;
    });
    await model.createIndexes();
  }
}
