import { Readable, Transform } from 'node:stream';
import { TextDecoder } from 'node:util';
import { CsvError, parse } from 'csv-parse';
import { invalidArgument } from '@kyc/core';
import { SheetRow } from '../../application/ports';

/**
 * Reads a comma-separated roster as it streams in (csv-parse): quoted cells may span lines, a
 * UTF-8 byte-order mark is skipped, rows may have fewer cells than the header. Excel saves "CSV
 * UTF-8" or, on Chinese Windows, plain "CSV" in GB 18030: the encoding is the caller's to say,
 * and bytes that are not valid in it stop the import rather than turn names into "�".
 */
export interface CsvReadOptions {
  /** A WHATWG encoding label: utf-8 (default), gb18030, gbk. */
  encoding?: string;
}

const badFile = (message: string) => invalidArgument('KYC.ROSTER.BAD_FILE', message);

function decoder(encoding: string): Transform {
  let text: TextDecoder;
  try {
    text = new TextDecoder(encoding, { fatal: true });
  } catch {
    throw badFile(`unknown encoding ${encoding}: use utf-8 or gb18030`);
  }
  const undecodable = () => badFile(`the file is not valid ${text.encoding}: save it as "CSV UTF-8", or give its encoding (e.g. gb18030)`);
  return new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _enc, done) {
      try {
        done(null, text.decode(chunk, { stream: true }));
      } catch {
        done(undecodable());
      }
    },
    flush(done) {
      try {
        done(null, text.decode());
      } catch {
        done(undecodable());
      }
    },
  });
}

const CSV_FAULTS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted cell is never closed',
  CSV_INVALID_CLOSING_QUOTE: 'a quote inside a quoted cell is not doubled',
  CSV_INVALID_OPENING_QUOTE: 'a quote stands inside an unquoted cell',
};

/** Line breaks in a record's source text, counted once each whatever their style. */
const lineBreaks = (raw: string) => raw.match(/\r\n|\r|\n/g)?.length ?? 0;

export async function* readCsvRows(input: Readable, options: CsvReadOptions = {}): AsyncGenerator<SheetRow> {
  const parser = parse({ bom: true, relax_column_count: true, info: true, raw: true });
  const decoded = input.pipe(decoder(options.encoding ?? 'utf-8'));
  decoded.on('error', (err) => parser.destroy(err));
  input.on('error', (err) => parser.destroy(err));
  decoded.pipe(parser);
  // csv-parse counts a quoted CRLF as two lines, so lines are counted here from each record's text.
  let line = 1;
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      yield { line, cells: record };
      line += lineBreaks(raw);
    }
  } catch (err) {
    // csv-parse's messages may quote the offending cell: report where and what, never the value.
    // Where is csv-parse's count of lines when it gave up (for an open quote: the end of the file).
    if (err instanceof CsvError) {
      const where = typeof err.lines === 'number' ? err.lines : line;
      throw badFile(`line ${where}: malformed CSV: ${CSV_FAULTS[err.code] ?? err.code}`);
    }
    throw err;
  } finally {
    input.destroy();
  }
}
