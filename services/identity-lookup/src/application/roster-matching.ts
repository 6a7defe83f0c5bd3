/**
 * Use cases of roster matching: the questions the IMPORT, IMPORT-ECARD and RELATION patterns ask
 * of a partner's rosters, answered with a result code and only what the pattern's success data
 * needs. Malformed questions are refused with invalid_argument; anything about the roster itself
 * (no such school, not on it, a mismatch) is an answer, not an error.
 */
import { invalidArgument } from '@kyc/core';
import { checkName, normalizeIdNumber, parseIdNumber } from '../domain/id-card';
import { checkCustomerCode, checkOutid, isRelation, isRole, Relation, Role, RosterMember, School } from '../domain/roster';
import { judgeImport, judgeRelative, judgeWhitelist, MatchResult, pickMatch, relationOf } from '../domain/roster-matching';
import { RosterStore } from './ports';

/** A member with their school, as answers show them. */
export interface MemberView {
  member: RosterMember;
  school: School;
}

export interface LinkedView extends MemberView {
  relation: Relation;
}

export interface MatchOutcome {
  result: MatchResult;
  match?: MemberView;
}

export interface PersonQuery {
  partnerId: string;
  /** '' when not given. */
  customerCode: string;
  outid: string;
  name: string;
  /** 0 when not given. */
  role: number;
}

export interface ImportQuery extends PersonQuery {
  idNumber: string;
}

export interface RelativeQuery {
  partnerId: string;
  customerCode: string;
  outid: string;
  childName: string;
  relation: string;
  guardianName: string;
  guardianIdNumber: string;
  checkListedRelative: boolean;
}

/** People listing one person as a relative, at most this many in an answer. */
const MAX_LINKED = 20;

const queryInvalid = (message: string) => invalidArgument('KYC.ROSTER.QUERY_INVALID', message);

function checkPartner(partnerId: string): string {
  if (!partnerId.trim()) throw queryInvalid('partner_id is required');
  return partnerId;
}

function checkRoleQuery(role: number): Role | undefined {
  if (role === 0) return undefined;
  if (!isRole(role)) throw invalidArgument('KYC.ROSTER.INVALID_ROLE', 'role must be 1, 2, 4 or 5 (or 0: not given)');
  return role;
}

const checkIdNumber = (raw: string): string => (parseIdNumber(raw), normalizeIdNumber(raw));

type Candidates = { noSchool: true } | { noSchool: false; people: RosterMember[]; school?: School };

export class RosterMatching {
  constructor(private readonly store: RosterStore) {}

  async school(partnerId: string, customerCode: string): Promise<School | undefined> {
    return this.store.findSchool(checkPartner(partnerId), checkCustomerCode(customerCode));
  }

  async matchImport(query: ImportQuery): Promise<MatchOutcome & { relatives: LinkedView[] }> {
    const partnerId = checkPartner(query.partnerId);
    const claim = { name: checkName(query.name), idNumber: checkIdNumber(query.idNumber), role: checkRoleQuery(query.role) };
    const outid = checkOutid(query.outid);
    const found = await this.candidates(partnerId, query.customerCode, outid, claim.name, claim.idNumber);
    const outcome = await this.decide(partnerId, found, (p) => judgeImport(p, claim));
    return { ...outcome, relatives: outcome.match ? await this.linked(partnerId, claim.idNumber) : [] };
  }

  async matchWhitelist(query: PersonQuery): Promise<MatchOutcome & { idNumber: string; relatives: LinkedView[] }> {
    const partnerId = checkPartner(query.partnerId);
    const claim = { name: checkName(query.name), role: checkRoleQuery(query.role) };
    const found = await this.candidates(partnerId, query.customerCode, checkOutid(query.outid), claim.name);
    const outcome = await this.decide(partnerId, found, (p) => judgeWhitelist(p, claim));
    const idNumber = outcome.match?.member.idNumber ?? '';
    return { ...outcome, idNumber, relatives: idNumber ? await this.linked(partnerId, idNumber) : [] };
  }

  async matchRelative(query: RelativeQuery): Promise<MatchOutcome> {
    const partnerId = checkPartner(query.partnerId);
    const relation = query.relation.trim().toUpperCase();
    if (!isRelation(relation)) {
      throw invalidArgument('KYC.ROSTER.INVALID_RELATION', 'relation must be one of F, M, S, D, GF, GM, MGF, MGM, GS, GD, MGS, MGD');
    }
    if (query.checkListedRelative && !query.guardianName.trim()) throw queryInvalid('guardian_name is required to check the listed relatives');
    const claim = {
      childName: checkName(query.childName),
      relation,
      guardianName: query.guardianName.trim() ? checkName(query.guardianName) : '',
      guardianIdNumber: query.guardianIdNumber.trim() ? checkIdNumber(query.guardianIdNumber) : '',
      checkListedRelative: query.checkListedRelative,
    };
    const found = await this.candidates(partnerId, query.customerCode, checkOutid(query.outid), claim.childName);
    return this.decide(partnerId, found, (p) => judgeRelative(p, claim));
  }

  /**
   * Who could be meant: within the named school, the person with the outid; without a school, the
   * partner's people with this name and outid, and (to tell a wrong name from no one) those with
   * the ID number and the outid.
   */
  private async candidates(partnerId: string, rawCustomerCode: string, outid: string, name: string, idNumber?: string): Promise<Candidates> {
    if (rawCustomerCode.trim()) {
      const customerCode = checkCustomerCode(rawCustomerCode);
      const school = await this.store.findSchool(partnerId, customerCode);
      if (!school) return { noSchool: true };
      const person = await this.store.findByOutid(partnerId, customerCode, outid);
      return { noSchool: false, people: person ? [person] : [], school };
    }
    const people = await this.store.findByNameAndOutid(partnerId, name, outid);
    if (!people.length && idNumber) {
      const byNumber = await this.store.findByIdNumber(partnerId, idNumber);
      people.push(...byNumber.filter((p) => p.outid === outid));
    }
    return { noSchool: false, people };
  }

  private async decide(partnerId: string, found: Candidates, judge: (p: RosterMember) => MatchResult): Promise<MatchOutcome> {
    if (found.noSchool) return { result: 'NO_SUCH_SCHOOL' };
    const { result, match } = pickMatch(found.people, judge);
    if (!match) return { result };
    const school = found.school ?? (await this.store.findSchool(partnerId, match.customerCode));
    // A person whose school was removed under them is no longer on a roster.
    return school ? { result, match: { member: match, school } } : { result: 'NOT_ON_ROSTER' };
  }

  private async linked(partnerId: string, idNumber: string): Promise<LinkedView[]> {
    const listing = (await this.store.findListingRelative(partnerId, idNumber)).slice(0, MAX_LINKED);
    const schools = new Map<string, School | undefined>();
    const views: LinkedView[] = [];
    for (const member of listing) {
      const relation = relationOf(member, idNumber);
      if (!schools.has(member.customerCode)) schools.set(member.customerCode, await this.store.findSchool(partnerId, member.customerCode));
      const school = schools.get(member.customerCode);
      if (relation && school) views.push({ relation, member, school });
    }
    return views;
  }
}
