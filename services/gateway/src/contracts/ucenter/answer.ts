import { ClaimView, VerificationView } from '../../application/ports';
import { ServedPattern } from './request';

/** The roster's people as realname-pattern hands them out (method_output "member", "relatives"). */
interface RosterSchool {
  customerCode: string;
  customerName: string;
  ecardSchool: boolean;
  dpcode: string;
}
interface RosterMember {
  memberId: string;
  school?: RosterSchool;
  outid: string;
  name: string;
  role: number;
  departments: { deptId: number; deptName: string; position: string; supervisor: boolean }[];
  ecardCustomerId: string;
}
interface RosterLinkedMember {
  relation: string;
  member?: RosterMember;
}

/** Seed 003 role 3: a parent. Parents are not roster people; RELATION verifies them through a child. */
const PARENT_ROLE = 3;

function parsed<T>(json: string | undefined, fallback: T): T {
  if (!json) return fallback;
  try {
    return (JSON.parse(json) as T) ?? fallback;
  } catch {
    return fallback;
  }
}

const deptInfo = (m: RosterMember) =>
  m.departments.map((d) => ({
    deptId: d.deptId,
    deptName: d.deptName,
    supervisor: d.supervisor,
    position: d.position || null,
    customerCode: m.school?.customerCode ?? null,
    ecardSchool: m.school?.ecardSchool ?? false,
  }));

/** A linked roster person as relativeInfo shows them: never an ID number or a mobile (the roster does not hand them out). */
const relativeInfo = (l: RosterLinkedMember) => {
  const m = l.member;
  return {
    customerCode: m?.school?.customerCode ?? null,
    ecardSchool: m?.school?.ecardSchool ?? false,
    identityNo: null,
    outid: m?.outid ?? null,
    realName: m?.name ?? null,
    mobileNo: null,
    serialNo: m?.outid ?? null,
    relation: l.relation,
    ecardCustomerId: m?.ecardCustomerId || null,
    childAvatar: null,
    deptInfo: m ? deptInfo(m) : [],
  };
};

/**
 * The success `data` of seed 003's rnauth answer. The school is the verified person's, or for
 * RELATION (a parent, role 3) the child's. `deviceId` is the device the request named (WECHAT-FACE),
 * null for patterns that carry none; face patterns prove a person, not a roster role (role null).
 */
export function successData(pattern: ServedPattern | 'MERGE', guid: string, verification: VerificationView, methodOutput: Record<string, string>, deviceId?: string) {
  const member = parsed<RosterMember | null>(methodOutput.member, null);
  const relatives = parsed<RosterLinkedMember[]>(methodOutput.relatives, []);
  const school = member?.school ?? (pattern === 'RELATION' ? relatives[0]?.member?.school : undefined);
  return {
    guid,
    rnAuthTicket: verification.ticket,
    deviceId: deviceId || null,
    role: member?.role ?? (pattern === 'RELATION' ? PARENT_ROLE : null),
    customerCode: school?.customerCode ?? null,
    customerName: school?.customerName ?? null,
    ecardSchool: school?.ecardSchool ?? false,
    dpcode: school?.dpcode || null,
    memberId: member?.memberId ?? null,
    serialNo: member?.outid ?? null,
    ecardCustomerId: member?.ecardCustomerId || null,
    deptInfo: member ? deptInfo(member) : [],
    relativeInfo: relatives.map(relativeInfo),
  };
}

const seconds = (d: Date | undefined) => (d ? Math.floor(d.getTime() / 1000) : null);

/**
 * The result query's `data`. Name and ID number are shown only for a succeeded verification (what
 * was proved), never what a failed attempt claimed; times are Unix seconds as in the seed.
 */
export function resultData(verification: VerificationView, claim: ClaimView) {
  const result = verification.state === 'succeeded';
  return {
    result,
    deviceId: null,
    memberId: verification.providerReference || null,
    identifyTime: seconds(verification.createdAt),
    finishTime: seconds(verification.completedAt),
    realName: result ? claim.name || null : null,
    identityNo: result ? claim.idNumber || null : null,
  };
}
