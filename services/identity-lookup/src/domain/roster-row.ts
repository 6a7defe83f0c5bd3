/**
 * One row of a roster file, validated field by field with the platform's own rules (GB 11643 ID
 * numbers, card names, mobile numbers on the full numbering plan). Every problem of a row is
 * reported at once, by field, in words that never repeat the value: reports of rejected rows go
 * to operators and files, and a rejected value is still someone's personal data.
 *
 * Cell grammar of the multi-valued columns (entries separated by ";", "；" or a line break, the
 * parts of an entry by "/"):
 *   departments  name[/position[/supervisor]]       e.g. 2018级1班/语文老师/主管; 教务处
 *   relatives    relation/name[/ID number[/mobile]] e.g. F/刘大宝/110101199003074231/13800138000
 * supervisor is one of 主管, 负责人, 是, y, yes, true, 1, supervisor (or empty / 否, n, no, false, 0).
 */
import { z } from 'zod';
import { checkName, describeInvalid, normalizeIdNumber, parseIdNumber } from './id-card';
import { normalizeMobile } from './mobile';
import { checkOutid, Department, isRelation, isRole, Relative, Role, RosterPerson } from './roster';
import { RosterField } from './roster-columns';

/** Stands for a spreadsheet cell holding a number too long to have kept all its digits. */
export const IMPRECISE_NUMBER: unique symbol = Symbol('imprecise-number');
export type RawCell = string | typeof IMPRECISE_NUMBER;

export interface RowProblem {
  field: RosterField;
  reason: string;
}

export type RowVerdict = { ok: true; person: RosterPerson } | { ok: false; problems: RowProblem[] };

const MAX_DEPARTMENTS = 50;
const MAX_RELATIVES = 12;
const ECARD_CUSTOMER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// Letters, digits and the punctuation class and department names use; no control characters.
const LABEL = /^[^\p{Cc}\p{Cf};；/／]+$/u;

class RowRuleError extends Error {}
const fail = (message: string): never => {
  throw new RowRuleError(message);
};

/** Runs a rule inside a zod transform; its KycError or RowRuleError becomes the field's issue. */
const rule =
  <T>(check: (value: string) => T, { optional = false, empty }: { optional?: boolean; empty?: T } = {}) =>
  (value: string, ctx: z.core.$RefinementCtx): T => {
    if (value.trim() === '') {
      if (optional) return empty as T;
      ctx.addIssue('is empty');
      return z.NEVER;
    }
    try {
      return check(value);
    } catch (err) {
      const reason = err instanceof RowRuleError ? err.message : describeInvalid(err)?.message;
      if (reason === undefined) throw err;
      ctx.addIssue(reason);
      return z.NEVER;
    }
  };

const ROLE_WORDS: Record<string, Role> = {
  学生: 1,
  student: 1,
  教师: 2,
  老师: 2,
  teacher: 2,
  后勤: 4,
  后勤人员: 4,
  logistics: 4,
  staff: 4,
  临时: 5,
  临时人员: 5,
  temporary: 5,
};

function parseRole(raw: string): Role {
  const text = raw.normalize('NFKC').trim().toLowerCase();
  const role = /^\d+$/.test(text) ? Number(text) : ROLE_WORDS[text];
  if (role === 3) fail('3 (parent) is not a roster role: list parents as relatives of their children');
  if (role === undefined || !isRole(role)) fail('must be 1 (student), 2 (teacher), 4 (logistics staff) or 5 (temporary staff)');
  return role as Role;
}

const SUPERVISOR_YES = new Set(['主管', '负责人', '是', 'y', 'yes', 'true', '1', 'supervisor']);
const SUPERVISOR_NO = new Set(['', '否', 'n', 'no', 'false', '0']);

const entriesOf = (cell: string): string[] =>
  cell
    .split(/[;；\n]/)
    .map((e) => e.trim())
    .filter(Boolean);
const partsOf = (entry: string): string[] => entry.split(/[/／]/).map((p) => p.normalize('NFKC').trim());

function label(value: string, what: string, max: number): string {
  if (value.length > max || !LABEL.test(value)) fail(`${what} must be 1-${max} characters without control characters`);
  return value;
}

function parseDepartments(cell: string): Department[] {
  const entries = entriesOf(cell);
  if (entries.length > MAX_DEPARTMENTS) fail(`at most ${MAX_DEPARTMENTS} departments`);
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const parts = partsOf(entry);
    if (parts.length > 3) fail(`department ${i + 1} has more than three parts (name/position/supervisor)`);
    const [name, position = '', flag = ''] = parts;
    label(name, `department ${i + 1} name`, 64);
    if (position) label(position, `department ${i + 1} position`, 32);
    const supervisorWord = flag.toLowerCase();
    if (!SUPERVISOR_YES.has(supervisorWord) && !SUPERVISOR_NO.has(supervisorWord)) {
      fail(`department ${i + 1} supervisor flag must be 主管/是/yes/1 or empty/否/no/0`);
    }
    if (seen.has(name)) fail(`department ${i + 1} repeats an earlier department`);
    seen.add(name);
    return { name, position, supervisor: SUPERVISOR_YES.has(supervisorWord) };
  });
}

/** An optional part of a relative's entry, checked by `check` with its reason prefixed. */
function relativePart(value: string, prefix: string, check: (v: string) => string): string {
  if (!value) return '';
  try {
    return check(value);
  } catch (err) {
    const invalid = describeInvalid(err);
    if (!invalid) throw err;
    return fail(`${prefix}: ${invalid.message}`);
  }
}

function parseRelatives(cell: string): Relative[] {
  const entries = entriesOf(cell);
  if (entries.length > MAX_RELATIVES) fail(`at most ${MAX_RELATIVES} relatives`);
  return entries.map((entry, i) => {
    const parts = partsOf(entry);
    const n = i + 1;
    if (parts.length < 2 || parts.length > 4) fail(`relative ${n} must be relation/name[/ID number[/mobile]]`);
    const [code, name, idNumber = '', mobile = ''] = parts;
    const relation = code.toUpperCase();
    if (!isRelation(relation)) fail(`relative ${n} relation must be one of F, M, S, D, GF, GM, MGF, MGM, GS, GD, MGS, MGD`);
    return {
      relation: relation as Relative['relation'],
      name: relativePart(name, `relative ${n}`, checkName) || fail(`relative ${n} has no name`),
      idNumber: relativePart(idNumber, `relative ${n}`, (v) => (parseIdNumber(v), normalizeIdNumber(v))),
      mobile: relativePart(mobile, `relative ${n}`, normalizeMobile),
    };
  });
}

function checkEcardCustomerId(raw: string): string {
  const id = raw.trim();
  if (!ECARD_CUSTOMER_ID.test(id)) fail('must be 1-64 letters, digits, ".", "_" or "-"');
  return id;
}

const rowSchema = z.object({
  outid: z.string().transform(rule(checkOutid)),
  name: z.string().transform(rule(checkName)),
  identityNo: z.string().transform(rule((v) => (parseIdNumber(v), normalizeIdNumber(v)), { optional: true, empty: '' })),
  role: z.string().transform(rule(parseRole)),
  mobile: z.string().transform(rule(normalizeMobile, { optional: true, empty: '' })),
  ecardCustomerId: z.string().transform(rule(checkEcardCustomerId, { optional: true, empty: '' })),
  departments: z.string().transform(rule(parseDepartments, { optional: true, empty: [] as Department[] })),
  relatives: z.string().transform(rule(parseRelatives, { optional: true, empty: [] as Relative[] })),
});

const FIELDS = Object.keys(rowSchema.shape) as RosterField[];

/** Validates a row's cells by field (a missing column counts as empty cells). */
export function validateRosterRow(cells: Partial<Record<RosterField, RawCell>>): RowVerdict {
  const problems: RowProblem[] = [];
  const input: Record<string, string> = {};
  for (const field of FIELDS) {
    const cell = cells[field] ?? '';
    if (cell === IMPRECISE_NUMBER) {
      problems.push({ field, reason: 'was stored as a number and lost digits: format the column as text and enter it again' });
      input[field] = '';
    } else {
      input[field] = cell;
    }
  }
  const parsed = rowSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as RosterField;
      // A cell already reported as imprecise is not reported again as empty.
      if (!problems.some((p) => p.field === field)) problems.push({ field, reason: issue.message });
    }
  }
  if (problems.length) return { ok: false, problems };
  const { identityNo, ...rest } = parsed.data!;
  return { ok: true, person: { ...rest, idNumber: identityNo } };
}
