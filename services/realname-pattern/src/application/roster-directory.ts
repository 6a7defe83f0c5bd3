/**
 * identity-lookup's campus rosters (seed 003), as the roster methods (IMPORT, IMPORT-ECARD,
 * RELATION) need them. Every roster question is answered with a result, never an error; errors are
 * for malformed questions (INVALID_ARGUMENT) and an unavailable identity-lookup.
 */
export type RosterMatchResult =
  | 'MATCHED'
  | 'NO_SUCH_SCHOOL'
  | 'NOT_ON_ROSTER'
  | 'NAME_MISMATCH'
  | 'ID_MISMATCH'
  | 'ID_NOT_ON_ROSTER'
  | 'ROLE_MISMATCH'
  | 'AMBIGUOUS'
  | 'RELATIVE_NOT_LISTED'
  | 'RELATION_MISMATCH';

export interface RosterSchool {
  customerCode: string;
  customerName: string;
  ecardSchool: boolean;
  dpcode: string;
}

export interface RosterDepartment {
  deptId: number;
  deptName: string;
  position: string;
  supervisor: boolean;
}

/** One person on a roster, without ID number or mobile. Personal data. */
export interface RosterMember {
  memberId: string;
  school?: RosterSchool;
  outid: string;
  name: string;
  role: number;
  departments: RosterDepartment[];
  ecardCustomerId: string;
}

/** A roster person linked to the matched one; relation is what the matched person is to them. */
export interface RosterLinkedMember {
  relation: string;
  member?: RosterMember;
}

export interface RosterQuery {
  partnerId: string;
  /** Empty: searched across the partner's schools. */
  customerCode: string;
  outid: string;
  name: string;
  /** 0: not compared. */
  role: number;
}

export interface RosterDirectory {
  matchImport(query: RosterQuery & { idNumber: string }, correlationId: string): Promise<{ result: RosterMatchResult; member?: RosterMember; relatives: RosterLinkedMember[] }>;
  matchWhitelist(
    query: RosterQuery,
    correlationId: string,
  ): Promise<{ result: RosterMatchResult; member?: RosterMember; idNumber: string; relatives: RosterLinkedMember[] }>;
  matchRelative(
    query: {
      partnerId: string;
      customerCode: string;
      outid: string;
      childName: string;
      relation: string;
      guardianName: string;
      guardianIdNumber: string;
      checkListedRelative: boolean;
    },
    correlationId: string,
  ): Promise<{ result: RosterMatchResult; child?: RosterMember }>;
}
