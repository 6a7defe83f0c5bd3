/**
 * Importing one school's roster from a file's rows: the first non-blank row is the header, every
 * other row is validated on its own, and the valid ones are written in batches while the next
 * batch is read. A rejected row is reported by line and column with the reason, never with its
 * values. Re-importing a file writes only what changed (see RosterImportSession).
 */
import { failedPrecondition, invalidArgument, KycError } from '@kyc/core';
import { checkCustomerCode, checkSchool, RosterPerson, School } from '../domain/roster';
import { ColumnLayout, resolveColumns, RosterField } from '../domain/roster-columns';
import { RawCell, RowProblem, validateRosterRow } from '../domain/roster-row';
import { BatchOutcome, RosterImportSession, RosterStore, SheetRow } from './ports';

export interface ImportOptions {
  batchSize: number;
  /** Validate only; write nothing. */
  dryRun?: boolean;
  /** Remove the school's people the file does not name (only when no row was rejected and some were accepted). */
  removeMissing?: boolean;
}

export interface RejectedRow {
  line: number;
  /** column: the header as the file spells it. */
  problems: { column: string; reason: string }[];
}

export interface ImportProgress {
  rows: number;
  rejected: number;
}

export interface ImportObserver {
  onRejected?(row: RejectedRow): void;
  onProgress?(progress: ImportProgress): void;
  /** Headers that name no roster column (reported once, after the header row). */
  onIgnoredColumns?(headers: string[]): void;
}

export interface ImportSummary {
  customerCode: string;
  dryRun: boolean;
  /** Data rows read (blank rows not counted). */
  rows: number;
  accepted: number;
  rejected: number;
  inserted: number;
  updated: number;
  unchanged: number;
  removed: number;
  /** Removal was asked for but skipped: rows were rejected, or none was accepted. */
  removalSkipped: boolean;
}

const PROGRESS_EVERY = 500;

const isBlank = (cells: readonly RawCell[]) => cells.every((c) => typeof c === 'string' && c.trim() === '');

function cellsByField(layout: ColumnLayout, cells: readonly RawCell[]): Partial<Record<RosterField, RawCell>> {
  const out: Partial<Record<RosterField, RawCell>> = {};
  for (const [field, position] of Object.entries(layout.positions) as [RosterField, number][]) out[field] = cells[position] ?? '';
  return out;
}

/** Writes batches one at a time, while the caller reads on; the first failure stops the import. */
class BatchWriter {
  private inFlight: Promise<void> = Promise.resolve();
  private failure?: unknown;
  readonly totals: BatchOutcome = { inserted: 0, updated: 0, unchanged: 0 };

  constructor(private readonly session: RosterImportSession | undefined) {}

  async write(batch: RosterPerson[]): Promise<void> {
    await this.drain();
    if (!this.session || !batch.length) return;
    this.inFlight = this.session.apply(batch).then(
      (outcome) => {
        this.totals.inserted += outcome.inserted;
        this.totals.updated += outcome.updated;
        this.totals.unchanged += outcome.unchanged;
      },
      (err: unknown) => {
        this.failure = err;
      },
    );
  }

  async drain(): Promise<void> {
    await this.inFlight;
    if (this.failure !== undefined) throw this.failure;
  }
}

export type SchoolChanges = Partial<Pick<School, 'customerName' | 'ecardSchool' | 'dpcode'>>;

export class RosterImport {
  constructor(private readonly store: RosterStore) {}

  /** Creates a school (a name is then required) or changes what is given of an existing one. */
  async defineSchool(partnerId: string, customerCode: string, changes: SchoolChanges): Promise<School> {
    const current = await this.store.findSchool(partnerId, checkCustomerCode(customerCode));
    if (!current && changes.customerName === undefined) {
      throw invalidArgument('KYC.ROSTER.INVALID_SCHOOL', `school ${customerCode} does not exist yet: give its name to create it`);
    }
    const school = checkSchool({
      partnerId,
      customerCode,
      customerName: changes.customerName ?? current!.customerName,
      ecardSchool: changes.ecardSchool ?? current?.ecardSchool ?? false,
      dpcode: changes.dpcode ?? current?.dpcode ?? '',
    });
    await this.store.saveSchool(school);
    return school;
  }

  async run(
    partnerId: string,
    customerCode: string,
    rows: AsyncIterable<SheetRow>,
    options: ImportOptions,
    observer: ImportObserver = {},
  ): Promise<ImportSummary> {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw invalidArgument('KYC.ROSTER.BAD_OPTION', 'batch size must be a positive integer');
    if (!(await this.store.findSchool(partnerId, checkCustomerCode(customerCode)))) {
      throw failedPrecondition('KYC.ROSTER.NO_SUCH_SCHOOL', `no school ${customerCode} for partner ${partnerId}: create it first`);
    }
    const session = options.dryRun ? undefined : await this.store.openImport(partnerId, customerCode);
    const writer = new BatchWriter(session);
    const summary: ImportSummary = {
      customerCode,
      dryRun: Boolean(options.dryRun),
      rows: 0,
      accepted: 0,
      rejected: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      removed: 0,
      removalSkipped: false,
    };
    // Lines of the first row with each outid and ID number: a person appears once per roster.
    const outidLines = new Map<string, number>();
    const idNumberLines = new Map<string, number>();
    let layout: ColumnLayout | undefined;
    let batch: RosterPerson[] = [];

    const reject = (line: number, problems: RowProblem[]) => {
      summary.rejected++;
      observer.onRejected?.({ line, problems: problems.map((p) => ({ column: layout!.labels[p.field] ?? p.field, reason: p.reason })) });
    };

    for await (const row of rows) {
      if (isBlank(row.cells)) continue;
      if (!layout) {
        layout = this.header(row);
        if (layout.ignored.length) observer.onIgnoredColumns?.(layout.ignored);
        continue;
      }
      summary.rows++;
      const verdict = validateRosterRow(cellsByField(layout, row.cells));
      if (!verdict.ok) {
        reject(row.line, verdict.problems);
      } else {
        const duplicate = this.duplicateOf(verdict.person, row.line, outidLines, idNumberLines);
        if (duplicate) {
          reject(row.line, [duplicate]);
        } else {
          summary.accepted++;
          batch.push(verdict.person);
          if (batch.length >= options.batchSize) {
            await writer.write(batch);
            batch = [];
          }
        }
      }
      if (summary.rows % PROGRESS_EVERY === 0) observer.onProgress?.({ rows: summary.rows, rejected: summary.rejected });
    }
    if (!layout) throw invalidArgument('KYC.ROSTER.BAD_HEADER', 'the file has no header row');
    await writer.write(batch);
    await writer.drain();
    Object.assign(summary, writer.totals);
    observer.onProgress?.({ rows: summary.rows, rejected: summary.rejected });

    if (options.removeMissing && session) {
      // A rejected row may be a person still at the school: removing them would be the wrong fix.
      // Nor does a file that lists no one empty a roster: that is more likely the wrong file.
      if (summary.rejected > 0 || summary.accepted === 0) summary.removalSkipped = true;
      else summary.removed = await session.removeMissing();
    }
    return summary;
  }

  private header(row: SheetRow): ColumnLayout {
    try {
      return resolveColumns(row.cells.map((c) => (typeof c === 'string' ? c : '')));
    } catch (err) {
      if (err instanceof KycError) throw invalidArgument(err.code, `line ${row.line}: ${err.message}`);
      throw err;
    }
  }

  private duplicateOf(person: RosterPerson, line: number, outids: Map<string, number>, idNumbers: Map<string, number>): RowProblem | undefined {
    const outidLine = outids.get(person.outid);
    if (outidLine !== undefined) return { field: 'outid', reason: `repeats the outid of line ${outidLine}` };
    const idLine = person.idNumber ? idNumbers.get(person.idNumber) : undefined;
    if (idLine !== undefined) return { field: 'identityNo', reason: `repeats the ID number of line ${idLine}` };
    outids.set(person.outid, line);
    if (person.idNumber) idNumbers.set(person.idNumber, line);
    return undefined;
  }
}
