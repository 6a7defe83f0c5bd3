/**
 * The columns of a roster file. Schools export rosters from their own systems, in Chinese or in
 * English, so each column is known by several header names; a header may also carry both, as the
 * documented template does ("学工号 (outid)"). Column order does not matter; unknown columns are
 * ignored (and named, so that a typo in a header does not silently drop a column).
 */
import { invalidArgument } from '@kyc/core';

export const ROSTER_FIELDS = ['outid', 'name', 'identityNo', 'role', 'mobile', 'departments', 'relatives', 'ecardCustomerId'] as const;
export type RosterField = (typeof ROSTER_FIELDS)[number];

export const REQUIRED_FIELDS: readonly RosterField[] = ['outid', 'name', 'role'];

/** Header names per field, the first of each the one the template uses. Compared by headerKey. */
export const HEADER_NAMES: Readonly<Record<RosterField, readonly string[]>> = {
  outid: ['学工号', '学号', '工号', '学号/工号', 'outid', 'serialNo'],
  name: ['姓名', '真实姓名', 'name', 'realName'],
  identityNo: ['身份证号', '身份证号码', '证件号码', 'identityNo', 'idNumber'],
  role: ['角色', '人员类型', 'role'],
  mobile: ['手机号', '手机号码', '手机', 'mobile', 'mobileNo'],
  departments: ['部门', '组织机构', '班级/部门', 'departments', 'deptInfo'],
  relatives: ['亲属', '家长', 'relatives', 'relativeInfo'],
  ecardCustomerId: ['一卡通编号', 'ecardCustomerId'],
};

/** Case, width, blanks, "_" and "-" do not distinguish header names. */
export const headerKey = (header: string): string =>
  header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_-]+/g, '');

const FIELD_BY_KEY = new Map<string, RosterField>(
  ROSTER_FIELDS.flatMap((field) => HEADER_NAMES[field].map((name) => [headerKey(name), field] as const)),
);

/** The field a header names: the whole header, or the part before or inside its parentheses. */
function fieldOf(header: string): RosterField | undefined {
  const text = header.normalize('NFKC').trim();
  const candidates = [text];
  const paren = /^(.*?)\s*\((.*)\)\s*$/.exec(text);
  if (paren) candidates.push(paren[1], paren[2]);
  for (const candidate of candidates) {
    const field = FIELD_BY_KEY.get(headerKey(candidate));
    if (field) return field;
  }
  return undefined;
}

export interface ColumnLayout {
  /** Column position (0-based) of each field the file has. */
  positions: Partial<Record<RosterField, number>>;
  /** The header text of each field, as the file spells it (for reports). */
  labels: Partial<Record<RosterField, string>>;
  /** Headers that name no field. */
  ignored: string[];
}

/** Reads the header row; throws KYC.ROSTER.BAD_HEADER naming what is missing or given twice. */
export function resolveColumns(headers: readonly string[]): ColumnLayout {
  const layout: ColumnLayout = { positions: {}, labels: {}, ignored: [] };
  headers.forEach((raw, position) => {
    const header = raw.trim();
    if (!header) return;
    const field = fieldOf(header);
    if (!field) {
      layout.ignored.push(header);
      return;
    }
    if (layout.positions[field] !== undefined) {
      throw invalidArgument('KYC.ROSTER.BAD_HEADER', `columns "${layout.labels[field]}" and "${header}" both give ${field}`);
    }
    layout.positions[field] = position;
    layout.labels[field] = header;
  });
  const missing = REQUIRED_FIELDS.filter((f) => layout.positions[f] === undefined);
  if (missing.length) {
    const names = missing.map((f) => `${HEADER_NAMES[f][0]} (${f})`).join(', ');
    throw invalidArgument('KYC.ROSTER.BAD_HEADER', `the header row lacks required columns: ${names}`);
  }
  return layout;
}
