/** What every scenario gets from run-all: the running platform, its infrastructure and the report. */
import { Collection, Filter, MongoClient } from 'mongodb';
import { Platform, SERVICE_NAMES } from '@kyc/dev-platform';
import { PiiCipher } from '@kyc/pii-crypto';
import { Report } from '../report';

export interface BenchSettings {
  quick: boolean;
  rounds: number;
  /** Closed-loop read runs: seconds per run and connections. */
  readSeconds: number;
  connections: number;
  /** Submission -> callback: fixed arrival rate and seconds. */
  arrivalRate: number;
  arrivalSeconds: number;
  /** How long to wait for what is still on its way after a scenario's load (notifications, callbacks). */
  settleSeconds: number;
  pauseSeconds: number;
  uploads: number;
  photoBytes: number;
  drainCallbacks: number;
  drainRounds: number;
  drainDeadModes: ('refuse' | 'hang')[];
  drainDeadlineSeconds: number;
  callbackTimeoutMs: number;
  scalingSubjects: number;
}

export interface BenchContext {
  infra: { kafkaBrokers: string; mongoUrl: string };
  platform: Platform;
  cipher: PiiCipher;
  mongo: MongoClient;
  settings: BenchSettings;
  report: Report;
  log: (line: string) => void;
}

/** Process ids of the five services (the gateway's is the one most figures are about). */
export const platformPids = (platform: Platform): Record<string, number> =>
  Object.fromEntries(SERVICE_NAMES.map((s) => [s, platform.services[s].pid!]));

/** CPU ms per operation from a cpuDuring() reading. */
export const perOp = (cpu: Record<string, number>, ops: number): Record<string, number> =>
  Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, ops > 0 ? v / ops : NaN]));

/**
 * Deletes in batches, each one `deleteOne` by `_id` per document in a single bulk command:
 * FerretDB on SQLite refuses one delete of tens of thousands of documents ("too many SQL
 * variables"), and FerretDB filters `_id: {$in}` itself, scanning the collection for every batch,
 * while `_id` equality is filtered in its backend.
 */
export async function deleteInBatches(col: Collection, filter: Filter<Record<string, unknown>>, batch = 5_000): Promise<void> {
  for (;;) {
    const ids = (await col.find(filter, { projection: { _id: 1 } }).limit(batch).toArray()).map((d) => d._id);
    if (!ids.length) return;
    await col.bulkWrite(ids.map((_id) => ({ deleteOne: { filter: { _id } } })), { ordered: false });
  }
}
