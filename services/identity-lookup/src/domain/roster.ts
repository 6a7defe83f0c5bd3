/**
 * Campus rosters (seed 003): a partner's schools and the people on them, as the schools import
 * them. A person is one row of one school's roster, known there by outid (学工号); the IMPORT,
 * IMPORT-ECARD and RELATION patterns prove who a user is by matching them. Pure: no transport,
 * no storage.
 */
import { invalidArgument } from '@kyc/core';

/** 1 student, 2 teacher, 4 logistics staff, 5 temporary staff; 3 (parent) is never on a roster. */
export const ROLES = [1, 2, 4, 5] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a relative is to the roster person (seed 003's relation codes): father, mother, son,
 * daughter, paternal and maternal grandparents, and paternal and maternal grandchildren.
 */
export const RELATIONS = ['F', 'M', 'S', 'D', 'GF', 'GM', 'MGF', 'MGM', 'GS', 'GD', 'MGS', 'MGD'] as const;
export type Relation = (typeof RELATIONS)[number];

export interface School {
  partnerId: string;
  customerCode: string;
  customerName: string;
  ecardSchool: boolean;
  /** The e-card system's code for the school; '' when none. */
  dpcode: string;
}

export interface Department {
  name: string;
  /** '' when none. */
  position: string;
  supervisor: boolean;
}

/** A relative as the school lists them; '' for what the roster does not say. */
export interface Relative {
  relation: Relation;
  name: string;
  idNumber: string;
  mobile: string;
}

/** One roster row, validated: '' for optional values the school left out. */
export interface RosterPerson {
  outid: string;
  name: string;
  idNumber: string;
  role: Role;
  /** E.164. */
  mobile: string;
  ecardCustomerId: string;
  departments: Department[];
  relatives: Relative[];
}

export interface MemberDepartment extends Department {
  deptId: number;
}

/** A person as kept on a school's roster. */
export interface RosterMember extends Omit<RosterPerson, 'departments'> {
  memberId: string;
  partnerId: string;
  customerCode: string;
  departments: MemberDepartment[];
}

const OUTID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const CUSTOMER_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

export const isRole = (value: number): value is Role => (ROLES as readonly number[]).includes(value);
export const isRelation = (value: string): value is Relation => (RELATIONS as readonly string[]).includes(value);
export const isOutid = (value: string): boolean => OUTID.test(value);

export function checkCustomerCode(raw: string): string {
  const code = raw.trim();
  if (!CUSTOMER_CODE.test(code)) {
    throw invalidArgument('KYC.ROSTER.INVALID_CUSTOMER_CODE', 'customerCode must be 1-32 letters, digits, ".", "_" or "-"');
  }
  return code;
}

export function checkOutid(raw: string): string {
  const outid = raw.trim();
  if (!OUTID.test(outid)) throw invalidArgument('KYC.ROSTER.INVALID_OUTID', 'outid must be 1-64 letters, digits, ".", "_" or "-"');
  return outid;
}

/**
 * The form in which names are compared and indexed: what a person types into an app and what a
 * school exported rarely agree on width, case or the dot of transliterated names (·, •, ・, .),
 * and never should that make a match fail.
 */
export function matchableName(name: string): string {
  return name
    .normalize('NFKC')
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/[•・.．]/g, '·')
    .toUpperCase();
}

const DPCODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const SCHOOL_NAME = /^[^\p{Cc}\p{Cf}]{1,64}$/u;

/** Checks a school's description as an operator gives it; throws KYC.ROSTER.INVALID_SCHOOL. */
export function checkSchool(school: School): School {
  const invalid = (message: string) => invalidArgument('KYC.ROSTER.INVALID_SCHOOL', message);
  if (!school.partnerId.trim()) throw invalid('the partner is required');
  const customerName = school.customerName.trim();
  if (!SCHOOL_NAME.test(customerName)) throw invalid('customerName must be 1-64 characters without control characters');
  const dpcode = school.dpcode.trim();
  if (dpcode && !DPCODE.test(dpcode)) throw invalid('dpcode must be 1-32 letters, digits, ".", "_" or "-"');
  return { ...school, customerCode: checkCustomerCode(school.customerCode), customerName, dpcode };
}

export const sameName = (a: string, b: string): boolean => matchableName(a) === matchableName(b);
