#!/usr/bin/env node
/**
 * Operator CLI for campus rosters (seed 003); runs with identity-lookup's MONGO_URL, MONGO_DB and
 * KYC_MASTER_KEY, against its database:
 *   kyc-roster school --partner APP_ID --customer-code CODE [--name NAME] [--ecard-school true|false] [--dpcode CODE]
 *       shows a school; with any other option, creates it (--name required) or changes it
 *   kyc-roster import --partner APP_ID --customer-code CODE --file ROSTER.csv|ROSTER.xlsx|-
 *       [--name … --ecard-school … --dpcode …] [--format csv|xlsx] [--encoding utf-8|gb18030]
 *       [--dry-run] [--remove-missing] [--batch-size N]
 *       (--file - reads standard input and needs --format: `kubectl exec -i … < roster.xlsx`)
 *   kyc-roster columns
 *       lists the accepted column headers
 * An import validates every row and writes the valid ones; each rejected row is printed to stdout
 * as a JSON line {"line","problems":[{"column","reason"}]} (never its values), then one line
 * {"summary":{…}}. A progress bar is drawn on stderr when it is a terminal. Re-importing a file
 * changes nothing; changed rows are updated; --remove-missing also removes people the file no
 * longer lists (skipped when any row was rejected or none was accepted). Exit status: 0, 2 when
 * rows were rejected, 1 on failure. Columns and cell formats: services/identity-lookup/README.md.
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { createLogger } from '@kyc/core';
import { connectMongo, ensureIndexes } from '@kyc/mongo-kit';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { openRosterFile } from '../adapters/files/roster-file';
import { RosterRepository } from '../adapters/mongo/roster-repository';
import { ImportProgress, RejectedRow, RosterImport, SchoolChanges } from '../application/roster-import';
import { loadRosterCliConfig } from '../config';
import { HEADER_NAMES, REQUIRED_FIELDS, ROSTER_FIELDS } from '../domain/roster-columns';

const USAGE = [
  'usage: kyc-roster school --partner APP_ID --customer-code CODE [--name NAME] [--ecard-school true|false] [--dpcode CODE]',
  '       kyc-roster import --partner APP_ID --customer-code CODE --file FILE|- [--name …] [--ecard-school …] [--dpcode …]',
  '                         [--format csv|xlsx] [--encoding utf-8|gb18030] [--dry-run] [--remove-missing] [--batch-size N]',
  '       kyc-roster columns',
].join('\n');

const out = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
const say = (line: string) => process.stderr.write(`kyc-roster: ${line}\n`);

function flag(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (/^(true|yes|1)$/i.test(value)) return true;
  if (/^(false|no|0)$/i.test(value)) return false;
  throw new Error(`--${name} must be true or false`);
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
}

function printColumns(): void {
  for (const field of ROSTER_FIELDS) {
    out({ field, required: REQUIRED_FIELDS.includes(field), headers: HEADER_NAMES[field] });
  }
}

/**
 * A progress bar over the file's bytes, on a terminal only, with rows and rejections as its
 * payload; rows alone where the bytes do not tell how far it got (standard input, XLSX).
 */
function progressBar(total: number) {
  if (!process.stderr.isTTY) return undefined;
  const bar = new cliProgress.SingleBar(
    {
      format: total
        ? 'roster import [{bar}] {percentage}% | {rows} rows | {rejected} rejected | ETA {eta_formatted}'
        : 'roster import | {rows} rows | {rejected} rejected',
      stream: process.stderr,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(total, 1), 0, { rows: 0, rejected: 0 });
  return bar;
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'columns') {
    printColumns();
    return 0;
  }
  if (command !== 'school' && command !== 'import') throw new Error(USAGE);
  const { values } = parseArgs({
    args: rest,
    options: {
      partner: { type: 'string' },
      'customer-code': { type: 'string' },
      name: { type: 'string' },
      'ecard-school': { type: 'string' },
      dpcode: { type: 'string' },
      file: { type: 'string' },
      format: { type: 'string' },
      encoding: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'remove-missing': { type: 'boolean', default: false },
      'batch-size': { type: 'string' },
    },
  });
  const partnerId = values.partner;
  const customerCode = values['customer-code'];
  if (!partnerId || !customerCode) throw new Error(`--partner and --customer-code are required\n${USAGE}`);
  if (command === 'import' && !values.file) throw new Error(`--file is required\n${USAGE}`);
  const changes: SchoolChanges = {
    ...(values.name !== undefined ? { customerName: values.name } : {}),
    ...(values['ecard-school'] !== undefined ? { ecardSchool: flag(values['ecard-school'], 'ecard-school') } : {}),
    ...(values.dpcode !== undefined ? { dpcode: values.dpcode } : {}),
  };

  const config = loadRosterCliConfig();
  const logger = createLogger('roster-admin', 'warn');
  const mongo = await connectMongo(config.mongo.url, config.mongo.db, logger);
  try {
    const rosters = new RosterRepository(mongo, new PiiCipher(masterKeyFromHex(config.masterKey, config.masterKeyId)));
    await ensureIndexes(rosters.models);
    const imports = new RosterImport(rosters);
    const school = Object.keys(changes).length ? await imports.defineSchool(partnerId, customerCode, changes) : await rosters.findSchool(partnerId, customerCode);
    if (command === 'school') {
      if (!school) throw new Error(`no school ${customerCode} for partner ${partnerId}: give --name to create it`);
      out(school);
      return 0;
    }

    const started = Date.now();
    const shown: { bar?: ReturnType<typeof progressBar>; bytes: number; progress: ImportProgress } = { bytes: 0, progress: { rows: 0, rejected: 0 } };
    const file = openRosterFile(values.file!, {
      format: values.format,
      encoding: values.encoding,
      onBytes: (n) => {
        shown.bytes = n;
        shown.bar?.update(n, shown.progress);
      },
    });
    // An XLSX's bytes say little of its rows (exceljs may spool a sheet to disk before parsing it).
    const bar = (shown.bar = progressBar(file.format === 'csv' ? file.size : 0));
    // With the bar and the rejections on one terminal, the rejections wait for the bar to finish.
    const held: RejectedRow[] = [];
    const holdRejections = Boolean(bar && process.stdout.isTTY);
    let summary;
    try {
      summary = await imports.run(
        partnerId,
        customerCode,
        file.rows,
        { batchSize: positiveInt(values['batch-size'], 'batch-size', config.importBatchSize), dryRun: values['dry-run'], removeMissing: values['remove-missing'] },
        {
          onRejected: (row) => (holdRejections ? held.push(row) : out(row)),
          onProgress: (p) => {
            shown.progress = p;
            bar?.update(shown.bytes, p);
          },
          onIgnoredColumns: (headers) => say(`note: ignoring columns that name no roster field: ${headers.join(', ')}`),
        },
      );
    } finally {
      bar?.stop();
    }
    held.forEach(out);
    const elapsedMs = Date.now() - started;
    out({ summary: { ...summary, format: file.format, elapsedMs } });
    const rate = summary.rows / Math.max(elapsedMs / 1000, 0.001);
    say(
      `${summary.dryRun ? 'checked' : 'imported'} ${summary.rows} rows of school ${customerCode} in ${(elapsedMs / 1000).toFixed(1)} s ` +
        `(${Math.round(rate)} rows/s): ${summary.inserted} new, ${summary.updated} updated, ${summary.unchanged} unchanged, ` +
        `${summary.rejected} rejected${values['remove-missing'] ? `, ${summary.removed} removed` : ''}` +
        (summary.removalSkipped ? ' (removal skipped: fix the rejected rows first)' : ''),
    );
    return summary.rejected ? 2 : 0;
  } finally {
    await mongo.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`kyc-roster: ${err.message}\n`);
    process.exit(1);
  },
);
