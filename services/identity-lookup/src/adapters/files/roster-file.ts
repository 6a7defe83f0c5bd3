import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { invalidArgument } from '@kyc/core';
import { SheetRow } from '../../application/ports';
import { readCsvRows } from './csv-roster-reader';
import { readXlsxRows } from './xlsx-roster-reader';

export type RosterFileFormat = 'csv' | 'xlsx';

export interface RosterFile {
  rows: AsyncIterable<SheetRow>;
  format: RosterFileFormat;
  /** Size in bytes, for progress against bytesRead; 0 when unknown (standard input). */
  size: number;
}

/** "-" names standard input, e.g. a file piped into `kubectl exec -i`. */
export const STDIN = '-';

const badFile = (message: string) => invalidArgument('KYC.ROSTER.BAD_FILE', message);

/** The format a file's extension names, unless the operator said. */
export function formatOf(file: string, given?: string): RosterFileFormat {
  if (file === STDIN && !given) throw badFile('reading standard input needs --format csv|xlsx');
  const format = (given ?? path.extname(file).slice(1)).toLowerCase();
  if (format === 'csv' || format === 'txt') return 'csv';
  if (format === 'xlsx') return 'xlsx';
  if (format === 'xls') throw badFile('the old Excel format (.xls) cannot be streamed: save the roster as .xlsx or "CSV UTF-8"');
  throw badFile(`cannot tell the format of ${path.basename(file)}: name it .csv or .xlsx, or give --format csv|xlsx`);
}

/** Opens a roster file for streaming; `onBytes` hears how many bytes have been read so far. */
export function openRosterFile(file: string, options: { format?: string; encoding?: string; onBytes?: (bytesRead: number) => void } = {}): RosterFile {
  const format = formatOf(file, options.format);
  let size = 0;
  try {
    if (file !== STDIN) size = fs.statSync(file).size;
  } catch {
    throw badFile(`cannot read ${file}`);
  }
  let bytesRead = 0;
  const source: Readable = file === STDIN ? process.stdin : fs.createReadStream(file);
  const counted: Readable = source.pipe(
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytesRead += chunk.length;
        options.onBytes?.(bytesRead);
        done(null, chunk);
      },
    }),
  );
  source.on('error', (err) => counted.destroy(err));
  const rows = format === 'csv' ? readCsvRows(counted, { encoding: options.encoding }) : readXlsxRows(counted);
  return { rows, format, size };
}
