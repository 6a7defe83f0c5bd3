/**
 * Ports of the roster use cases: where rosters are kept (the Mongo adapter, with personal data
 * sealed and lookups through blind indexes) and how a roster file reaches an import (the CSV
 * and XLSX readers).
 */
import { RosterMember, RosterPerson, School } from '../domain/roster';
import { RawCell } from '../domain/roster-row';

export interface RosterStore {
  findSchool(partnerId: string, customerCode: string): Promise<School | undefined>;
  /** Creates the school or replaces its name, e-card flag and dpcode. */
  saveSchool(school: School): Promise<void>;
  findByOutid(partnerId: string, customerCode: string, outid: string): Promise<RosterMember | undefined>;
  /** Across the partner's schools. */
  findByNameAndOutid(partnerId: string, name: string, outid: string): Promise<RosterMember[]>;
  /** Across the partner's schools. */
  findByIdNumber(partnerId: string, idNumber: string): Promise<RosterMember[]>;
  /** People who list a relative with this ID number, across the partner's schools (a bounded few). */
  findListingRelative(partnerId: string, idNumber: string): Promise<RosterMember[]>;
  /** Starts writing one school's roster; see RosterImportSession. */
  openImport(partnerId: string, customerCode: string): Promise<RosterImportSession>;
}

export interface BatchOutcome {
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * One import of one school's roster. People are known by outid within the school: a person
 * already on the roster keeps their member id and is rewritten only when something changed,
 * so importing the same file twice writes nothing the second time.
 */
export interface RosterImportSession {
  apply(people: readonly RosterPerson[]): Promise<BatchOutcome>;
  /** Removes the school's people that no apply of this session named; returns how many. */
  removeMissing(): Promise<number>;
}

/** One row of a roster file: its line (CSV) or row number (XLSX), and its cells in column order. */
export interface SheetRow {
  line: number;
  cells: RawCell[];
}
