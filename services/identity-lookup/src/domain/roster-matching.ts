/**
 * How a claim is judged against roster people (IMPORT, IMPORT-ECARD, RELATION). A lookup may turn
 * up several candidates (the same name and outid at two schools, when the caller named none);
 * each is judged alone, and the answer is the one match, AMBIGUOUS for several, or else the
 * failure of the candidate that came closest: "the name is right but the ID number is not" says
 * more than "no one has this outid".
 */
import { Relation, Role, RosterPerson, sameName } from './roster';

export type MatchResult =
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

type Judged = Pick<RosterPerson, 'name' | 'idNumber' | 'role' | 'relatives'>;

/** Failures in the order a claim gets further: each judge below fails in this order. */
const CLOSENESS: readonly MatchResult[] = [
  'NOT_ON_ROSTER',
  'NAME_MISMATCH',
  'ID_NOT_ON_ROSTER',
  'RELATIVE_NOT_LISTED',
  'RELATION_MISMATCH',
  'ID_MISMATCH',
  'ROLE_MISMATCH',
];

export interface ImportClaim {
  name: string;
  /** Normalized (upper-case X). */
  idNumber: string;
  role?: Role;
}

export interface WhitelistClaim {
  name: string;
  role?: Role;
}

export interface RelativeClaim {
  childName: string;
  relation: Relation;
  guardianName: string;
  /** Normalized, or '' when not given. */
  guardianIdNumber: string;
  /** Type 2 (roster): the guardian must be among the child's listed relatives. */
  checkListedRelative: boolean;
}

export function judgeWhitelist(person: Judged, claim: WhitelistClaim): MatchResult {
  if (!sameName(person.name, claim.name)) return 'NAME_MISMATCH';
  if (claim.role && person.role !== claim.role) return 'ROLE_MISMATCH';
  return 'MATCHED';
}

export function judgeImport(person: Judged, claim: ImportClaim): MatchResult {
  if (!sameName(person.name, claim.name)) return 'NAME_MISMATCH';
  if (!person.idNumber) return 'ID_NOT_ON_ROSTER';
  if (person.idNumber !== claim.idNumber) return 'ID_MISMATCH';
  if (claim.role && person.role !== claim.role) return 'ROLE_MISMATCH';
  return 'MATCHED';
}

/** The child must bear the name given; type 2 also needs the guardian listed with that relation. */
export function judgeRelative(child: Judged, claim: RelativeClaim): MatchResult {
  if (!sameName(child.name, claim.childName)) return 'NAME_MISMATCH';
  if (!claim.checkListedRelative) return 'MATCHED';
  const named = child.relatives.filter((r) => sameName(r.name, claim.guardianName));
  if (!named.length) return 'RELATIVE_NOT_LISTED';
  const related = named.filter((r) => r.relation === claim.relation);
  if (!related.length) return 'RELATION_MISMATCH';
  // An ID number given is compared where the roster lists one; a listing without one cannot refute it.
  if (claim.guardianIdNumber && related.every((r) => r.idNumber && r.idNumber !== claim.guardianIdNumber)) return 'ID_MISMATCH';
  return 'MATCHED';
}

export function pickMatch<T>(candidates: readonly T[], judge: (candidate: T) => MatchResult): { result: MatchResult; match?: T } {
  const judged = candidates.map((candidate) => ({ candidate, result: judge(candidate) }));
  const matched = judged.filter((j) => j.result === 'MATCHED');
  if (matched.length === 1) return { result: 'MATCHED', match: matched[0].candidate };
  if (matched.length > 1) return { result: 'AMBIGUOUS' };
  const closest = judged.reduce<MatchResult>(
    (best, j) => (CLOSENESS.indexOf(j.result) > CLOSENESS.indexOf(best) ? j.result : best),
    'NOT_ON_ROSTER',
  );
  return { result: closest };
}

/** What the person with `idNumber` is to `member`, by the member's listed relatives; undefined if not listed. */
export function relationOf(member: Pick<RosterPerson, 'relatives'>, idNumber: string): Relation | undefined {
  return member.relatives.find((r) => r.idNumber && r.idNumber === idNumber)?.relation;
}
