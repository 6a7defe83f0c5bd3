import { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import ExcelJS from 'exceljs';
import { invalidArgument } from '@kyc/core';
import { SheetRow } from '../../application/ports';
import { IMPRECISE_NUMBER, RawCell } from '../../domain/roster-row';

/**
 * Reads the first worksheet of an .xlsx roster as it streams in (exceljs's WorkbookReader): rows
 * are parsed from the zip entry without loading the workbook. Row numbers are the sheet's own,
 * as the operator sees them in Excel. Excel keeps 15 significant digits of a number, so an ID
 * number typed into a cell not formatted as text has already lost its last digits: such cells
 * are marked, for validation to name the column, rather than guessed at.
 *
 * exceljs 4.4 decodes each compressed chunk of the sheet and shared-string XML on its own, so a
 * Chinese character split across two chunks becomes "��" (exceljs issues #2063, #2084; the fixes
 * were never merged). That would garble about one name in ten thousand, silently where the cell is
 * not checked as a name, so the reader hands exceljs text decoded across chunk boundaries instead.
 */
const MAX_EXACT = 1e15;

function cellText(value: unknown): RawCell {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) >= MAX_EXACT ? IMPRECISE_NUMBER : String(value);
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string };
  if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
  if ('result' in v) return cellText(v.result);
  if (v.text !== undefined) return cellText(v.text);
  if (v.error !== undefined) return v.error;
  return '';
}

/** The parts of exceljs's WorkbookReader that read XML, which decodeAcrossChunks wraps. */
interface ReaderInternals {
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): unknown;
  _parseSharedStrings(entry: Readable): unknown;
}

async function* decodeAcrossChunks(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const utf8 = new TextDecoder('utf-8');
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : utf8.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = utf8.decode();
  if (rest) yield rest;
}

function decodingWholeCharacters(reader: ExcelJS.stream.xlsx.WorkbookReader): ExcelJS.stream.xlsx.WorkbookReader {
  const internals = reader as unknown as ReaderInternals;
  if (typeof internals._parseWorksheet !== 'function' || typeof internals._parseSharedStrings !== 'function') {
    throw new Error('exceljs no longer has the reader internals the XLSX roster reader wraps: re-check its chunk decoding');
  }
  const parseWorksheet = internals._parseWorksheet.bind(reader);
  const parseSharedStrings = internals._parseSharedStrings.bind(reader);
  internals._parseWorksheet = (iterator, sheetNo) => parseWorksheet(decodeAcrossChunks(iterator), sheetNo);
  internals._parseSharedStrings = (entry) => parseSharedStrings(entry.setEncoding('utf8'));
  return reader;
}

export async function* readXlsxRows(input: Readable): AsyncGenerator<SheetRow> {
  const workbook = decodingWholeCharacters(new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  }));
  try {
    for await (const worksheet of workbook) {
      for await (const row of worksheet) {
        // row.values is 1-based and sparse: index 0 is empty, blank cells are holes.
        const values = row.values as unknown[];
        const cells: RawCell[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
        yield { line: row.number, cells };
      }
      return;
    }
  } catch (err) {
    if ((err as Error).message?.match(/zip|signature|end of central directory/i)) {
      throw invalidArgument('KYC.ROSTER.BAD_FILE', 'the file is not an .xlsx workbook');
    }
    throw err;
  } finally {
    input.destroy();
  }
}
