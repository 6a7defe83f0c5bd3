import { createLogger, notFound } from '@kyc/core';
import { connectMongo, ensureIndexes } from '@kyc/mongo-kit';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { openRosterFile } from '../adapters/files/roster-file';
import { RosterRepository } from '../adapters/mongo/roster-repository';
import { ImportObserver, ImportSummary, RosterImport, SchoolChanges } from '../application/roster-import';
import { loadRosterCliConfig } from '../config';
import { HEADER_NAMES, REQUIRED_FIELDS, ROSTER_FIELDS, RosterField } from '../domain/roster-columns';
import { School } from '../domain/roster';

/**
 * Operator commands for campus rosters (seed 003), for the `kyc` command. They work on
 * identity-lookup's database directly with its MONGO_URL, MONGO_DB and KYC_MASTER_KEY (no gRPC).
 * Columns and cell formats: services/identity-lookup/README.md.
 */
export interface SchoolRef {
  partnerId: string;
  customerCode: string;
}

export interface SchoolListing extends School {
  /** People on the school's roster. */
  people: number;
}

export interface RosterImportOptions extends SchoolRef {
  /** A .csv or .xlsx file, or "-" for standard input (then `format` is needed). */
  file: string;
  format?: string;
  encoding?: string;
  /** Creates the school (a name is then required) or changes it before the import. */
  school?: SchoolChanges;
  dryRun?: boolean;
  /** Also removes people the file no longer lists (skipped when any row was rejected or none accepted). */
  removeMissing?: boolean;
  /** Rows written per batch; ROSTER_IMPORT_BATCH_SIZE when not given. */
  batchSize?: number;
}

export interface RosterImportObserver extends ImportObserver {
  /**
   * Once the file is open: its format, and its size in bytes to measure progress against; 0 where
   * bytes do not tell how far the import got (standard input; an XLSX, which exceljs may spool to
   * disk before it yields a row).
   */
  onStart?(file: { format: string; size: number }): void;
  onBytes?(bytesRead: number): void;
}

export type RosterImportResult = ImportSummary & { format: string; elapsedMs: number };

async function withRosters<T>(work: (rosters: RosterRepository, importBatchSize: number) => Promise<T>): Promise<T> {
  const config = loadRosterCliConfig();
  const mongo = await connectMongo(config.mongo.url, config.mongo.db, createLogger('roster-operator', 'warn'));
  try {
    const rosters = new RosterRepository(mongo, new PiiCipher(masterKeyFromHex(config.masterKey, config.masterKeyId)));
    await ensureIndexes(rosters.models);
    return await work(rosters, config.importBatchSize);
  } finally {
    await mongo.close();
  }
}

/** The accepted column headers of a roster file, per field. */
export function rosterColumns(): { field: RosterField; required: boolean; headers: readonly string[] }[] {
  return ROSTER_FIELDS.map((field) => ({ field, required: REQUIRED_FIELDS.includes(field), headers: HEADER_NAMES[field] }));
}

/** Shows a school; with changes, creates it (a name is then required) or changes it first. */
export async function defineSchool(ref: SchoolRef, changes: SchoolChanges = {}): Promise<School> {
  return withRosters(async (rosters) => {
    const school = Object.keys(changes).length
      ? await new RosterImport(rosters).defineSchool(ref.partnerId, ref.customerCode, changes)
      : await rosters.findSchool(ref.partnerId, ref.customerCode);
    if (!school) throw notFound('KYC.ROSTER.SCHOOL_NOT_FOUND', `no school ${ref.customerCode} for partner ${ref.partnerId}: give its name to create it`);
    return school;
  });
}

/** Schools (of one partner, or all), with how many people each roster holds. */
export async function listSchools(partnerId?: string): Promise<SchoolListing[]> {
  return withRosters(async (rosters) => {
    const filter = partnerId ? { partnerId } : {};
    const [schools, counts] = await Promise.all([
      rosters.schools.find(filter).sort({ partnerId: 1, customerCode: 1 }).lean(),
      rosters.people.aggregate<{ _id: { partnerId: string; customerCode: string }; n: number }>([
        { $match: filter },
        { $group: { _id: { partnerId: '$partnerId', customerCode: '$customerCode' }, n: { $sum: 1 } } },
      ]),
    ]);
    const people = new Map(counts.map((c) => [`${c._id.partnerId}\u0000${c._id.customerCode}`, c.n]));
    return schools.map((s) => ({
      partnerId: s.partnerId,
      customerCode: s.customerCode,
      customerName: s.customerName,
      ecardSchool: s.ecardSchool,
      dpcode: s.dpcode ?? '',
      people: people.get(`${s.partnerId}\u0000${s.customerCode}`) ?? 0,
    }));
  });
}

/**
 * Imports a roster file: validates every row, writes the valid ones, reports each rejected row
 * (line and problems, never its values). Re-importing a file changes nothing; changed rows are
 * updated.
 */
export async function importRoster(options: RosterImportOptions, observer: RosterImportObserver = {}): Promise<RosterImportResult> {
  const started = Date.now();
  return withRosters(async (rosters, importBatchSize) => {
    const imports = new RosterImport(rosters);
    if (options.school && Object.keys(options.school).length) await imports.defineSchool(options.partnerId, options.customerCode, options.school);
    const file = openRosterFile(options.file, { format: options.format, encoding: options.encoding, onBytes: (n) => observer.onBytes?.(n) });
    observer.onStart?.({ format: file.format, size: file.format === 'csv' ? file.size : 0 });
    const summary = await imports.run(
      options.partnerId,
      options.customerCode,
      file.rows,
      { batchSize: options.batchSize ?? importBatchSize, dryRun: options.dryRun, removeMissing: options.removeMissing },
      observer,
    );
    return { ...summary, format: file.format, elapsedMs: Date.now() - started };
  });
}
