import Table from 'cli-table3';

/** Where `kyc` writes: standard output for results, standard error for messages and progress. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
  /** The operator's name for the audit trail when none is given ($USER). */
  user?: string;
}

export type Row = Record<string, unknown>;

/** A cell as a person reads it: dates in ISO 8601, lists comma-separated, nothing for absent values. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(cellText).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

// Plain tables: no colour codes, so they read the same in a terminal, a pipe or a log.
const PLAIN = { head: [], border: [] };

/** A list as a table with the given columns; says so when the list is empty. */
export function tableOf(rows: readonly Row[], columns: readonly string[]): string {
  if (!rows.length) return '(none)\n';
  const table = new Table({ head: [...columns], style: PLAIN });
  for (const row of rows) table.push(columns.map((c) => cellText(row[c])));
  return `${table.toString()}\n`;
}

/** One record as a two-column table, field by field. */
export function recordOf(record: Row): string {
  const table = new Table({ style: PLAIN });
  for (const [key, value] of Object.entries(record)) table.push({ [key]: cellText(value) });
  return `${table.toString()}\n`;
}

/** JSON Lines: one object per line (a list gives one line per item), for scripts. */
export function jsonLines(value: unknown): string {
  return (Array.isArray(value) ? value : [value]).map((v) => `${JSON.stringify(v)}\n`).join('');
}
