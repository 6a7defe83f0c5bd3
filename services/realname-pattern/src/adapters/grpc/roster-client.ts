import { roster } from '@kyc/contracts';
import { ResilientClient } from '@kyc/grpc-kit';
import { RosterDirectory, RosterLinkedMember, RosterMatchResult, RosterMember } from '../../application/roster-directory';

/** identity-lookup's RosterService over gRPC (deadline and breaker from ResilientClient), as the RosterDirectory port. */
export function rosterClient(client: ResilientClient<roster.RosterServiceClient>): RosterDirectory {
  return {
    async matchImport(q, correlationId) {
      const res = await client.unary(
        client.raw.matchImport,
        { partnerId: q.partnerId, customerCode: q.customerCode, outid: q.outid, name: q.name, idNumber: q.idNumber, role: q.role },
        { correlationId },
      );
      return { result: resultOf(res.result), member: memberOf(res.member), relatives: res.relatives.map(linkedOf) };
    },
    async matchWhitelist(q, correlationId) {
      const res = await client.unary(
        client.raw.matchWhitelist,
        { partnerId: q.partnerId, customerCode: q.customerCode, outid: q.outid, name: q.name, role: q.role },
        { correlationId },
      );
      return { result: resultOf(res.result), member: memberOf(res.member), idNumber: res.idNumber, relatives: res.relatives.map(linkedOf) };
    },
    async matchRelative(q, correlationId) {
      const res = await client.unary(client.raw.matchRelative, q, { correlationId });
      return { result: resultOf(res.result), child: memberOf(res.child) };
    },
  };
}

const PREFIX = 'MATCH_RESULT_';

/** An unknown (newer) or unspecified result is never taken for a match. */
function resultOf(result: roster.MatchResult): RosterMatchResult {
  const name = roster.MatchResult[result] ?? '';
  if (!name.startsWith(PREFIX) || result === roster.MatchResult.MATCH_RESULT_UNSPECIFIED) return 'NOT_ON_ROSTER';
  return name.slice(PREFIX.length) as RosterMatchResult;
}

function memberOf(m: roster.Member | undefined): RosterMember | undefined {
  if (!m) return undefined;
  return {
    memberId: m.memberId,
    school: m.school && { customerCode: m.school.customerCode, customerName: m.school.customerName, ecardSchool: m.school.ecardSchool, dpcode: m.school.dpcode },
    outid: m.outid,
    name: m.name,
    role: m.role,
    departments: m.departments.map((d) => ({ deptId: d.deptId, deptName: d.deptName, position: d.position, supervisor: d.supervisor })),
    ecardCustomerId: m.ecardCustomerId,
  };
}

const linkedOf = (l: roster.LinkedMember): RosterLinkedMember => ({ relation: l.relation, member: memberOf(l.member) });
