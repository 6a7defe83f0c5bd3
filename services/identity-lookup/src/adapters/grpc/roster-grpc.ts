import { roster } from '@kyc/contracts';
import { Logger } from '@kyc/core';
import { ServiceRegistration, unary } from '@kyc/grpc-kit';
import { LinkedView, MemberView, RosterMatching } from '../../application/roster-matching';
import { School } from '../../domain/roster';
import { MatchResult } from '../../domain/roster-matching';

export interface RosterGrpcDeps {
  matching: RosterMatching;
  /** Services allowed to ask (a subset of the server's allow-list): the one that runs the patterns. */
  allowedCallers: readonly string[];
  logger: Logger;
}

const RESULTS: Record<MatchResult, roster.MatchResult> = {
  MATCHED: roster.MatchResult.MATCH_RESULT_MATCHED,
  NO_SUCH_SCHOOL: roster.MatchResult.MATCH_RESULT_NO_SUCH_SCHOOL,
  NOT_ON_ROSTER: roster.MatchResult.MATCH_RESULT_NOT_ON_ROSTER,
  NAME_MISMATCH: roster.MatchResult.MATCH_RESULT_NAME_MISMATCH,
  ID_MISMATCH: roster.MatchResult.MATCH_RESULT_ID_MISMATCH,
  ID_NOT_ON_ROSTER: roster.MatchResult.MATCH_RESULT_ID_NOT_ON_ROSTER,
  ROLE_MISMATCH: roster.MatchResult.MATCH_RESULT_ROLE_MISMATCH,
  AMBIGUOUS: roster.MatchResult.MATCH_RESULT_AMBIGUOUS,
  RELATIVE_NOT_LISTED: roster.MatchResult.MATCH_RESULT_RELATIVE_NOT_LISTED,
  RELATION_MISMATCH: roster.MatchResult.MATCH_RESULT_RELATION_MISMATCH,
};

const schoolMessage = (s: School): roster.School => ({
  customerCode: s.customerCode,
  customerName: s.customerName,
  ecardSchool: s.ecardSchool,
  dpcode: s.dpcode,
});

/** A member as answers show them: no ID number, mobile or relatives (see roster.proto). */
const memberMessage = ({ member, school }: MemberView): roster.Member => ({
  memberId: member.memberId,
  school: schoolMessage(school),
  outid: member.outid,
  name: member.name,
  role: member.role,
  departments: member.departments.map((d) => ({ deptId: d.deptId, deptName: d.name, position: d.position, supervisor: d.supervisor })),
  ecardCustomerId: member.ecardCustomerId,
});

const linkedMessage = (view: LinkedView): roster.LinkedMember => ({ relation: view.relation, member: memberMessage(view) });

/** gRPC face of roster matching; translates requests to use-case calls and nothing more. */
export function rosterGrpc({ matching, allowedCallers, logger }: RosterGrpcDeps): ServiceRegistration {
  const implementation: roster.RosterServiceServer = {
    getSchool: unary(logger, async (req: roster.GetSchoolRequest) => {
      const school = await matching.school(req.partnerId, req.customerCode);
      return school ? { found: true, school: schoolMessage(school) } : { found: false, school: undefined };
    }),

    matchImport: unary(logger, async (req: roster.MatchImportRequest) => {
      const outcome = await matching.matchImport(req);
      return {
        result: RESULTS[outcome.result],
        member: outcome.match && memberMessage(outcome.match),
        relatives: outcome.relatives.map(linkedMessage),
      };
    }),

    matchWhitelist: unary(logger, async (req: roster.MatchWhitelistRequest) => {
      const outcome = await matching.matchWhitelist(req);
      return {
        result: RESULTS[outcome.result],
        member: outcome.match && memberMessage(outcome.match),
        idNumber: outcome.idNumber,
        relatives: outcome.relatives.map(linkedMessage),
      };
    }),

    matchRelative: unary(logger, async (req: roster.MatchRelativeRequest) => {
      const outcome = await matching.matchRelative(req);
      return { result: RESULTS[outcome.result], child: outcome.match && memberMessage(outcome.match) };
    }),
  };
  return {
    name: 'kyc.roster.v1.RosterService',
    definition: roster.RosterServiceService,
    implementation: implementation as never,
    allowedCallers,
  };
}
