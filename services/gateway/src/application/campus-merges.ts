/**
 * Seed 003's answer when a verification proved information (an ID number, a mobile) another user
 * of the same partner already holds: 409 offers merging the two users, with the holder's masked
 * mobile (where the MERGE code will be sent) and guid; 410 when merging cannot be offered (the
 * partner turned it off, or the holder has no verified mobile to confirm it with). The 409
 * attempt is kept (a keyed fingerprint of its authInfo, its pattern, the holder) so that only the
 * same attempt, repeated as MERGE's authInfo, can merge.
 */
import { GatewayPorts, PartnerView, SessionView } from './ports';

/** Partner feature that turns merging off (it is on unless granted): 410 instead of 409. */
export const NO_MERGE_FEATURE = 'no-campus-merge' as const;

/** How long a 409 attempt can be followed by its MERGE. */
export const MERGE_ATTEMPT_TTL_MS = 30 * 60_000;

export type TakenAnswer = { offer: true; mobileNo: string; guid: string } | { offer: false };

export async function answerTaken(
  ports: Pick<GatewayPorts, 'userMerges' | 'subjects'>,
  input: { partner: PartnerView; session: SessionView; pattern: string; proved: { idNumber: string; mobile: string; memberId?: string }; authInfo: unknown },
  now = new Date(),
): Promise<TakenAnswer> {
  const merges = ports.userMerges;
  if (!merges || input.partner.features.includes(NO_MERGE_FEATURE)) return { offer: false };
  const { partnerId, subjectId } = input.session;
  const holder = await merges.holderOf(partnerId, subjectId, input.proved);
  if (!holder || holder === subjectId) return { offer: false };
  const [mobileNo, uid] = await Promise.all([merges.maskedMobileOf(partnerId, holder), ports.subjects.uidOf(holder)]);
  if (!mobileNo || uid === undefined) return { offer: false };
  await merges.keepAttempt({
    partnerId,
    subjectId,
    holderSubjectId: holder,
    pattern: input.pattern,
    authInfo: input.authInfo,
    expiresAt: new Date(now.getTime() + MERGE_ATTEMPT_TTL_MS),
  });
  return { offer: true, mobileNo, guid: String(uid) };
}

/**
 * The text a fingerprint is taken of: the same JSON value gives the same text whatever the order
 * of its keys, so "identical authInfo" means the same fields with the same values.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export type MergeCheck =
  | { ok: true; holderSubjectId: string; mergeTicket?: string }
  | { ok: false; code: 400 | 410; message: string };

export const MERGE_REFUSALS = {
  off: { ok: false, code: 410, message: '当前认证信息已被占用，请联系人工客服' },
  notHolder: { ok: false, code: 400, message: 'oldGuid 不是待合并的用户，请重新认证' },
  authInfoChanged: { ok: false, code: 400, message: 'data.authInfo 与触发合并的认证信息不符' },
} as const satisfies Record<string, MergeCheck>;

/**
 * Whether the user may merge with `oldGuid` (send its code, or MERGE): merging is on for the
 * partner, the user's live 409 attempt names that user as the holder, and, for MERGE, `authInfo`
 * is that attempt's own (`authInfo` undefined: not checked).
 */
export async function checkMerge(
  ports: Pick<GatewayPorts, 'userMerges' | 'subjects'>,
  input: { partner: PartnerView; session: SessionView; oldGuid: string; authInfo?: unknown },
): Promise<MergeCheck> {
  const merges = ports.userMerges;
  if (!merges || input.partner.features.includes(NO_MERGE_FEATURE)) return MERGE_REFUSALS.off;
  const attempt = await merges.findAttempt(input.session.partnerId, input.session.subjectId, input.authInfo);
  if (!attempt || String(await ports.subjects.uidOf(attempt.holderSubjectId)) !== input.oldGuid) return MERGE_REFUSALS.notHolder;
  if (input.authInfo !== undefined && !attempt.authInfoMatches) return MERGE_REFUSALS.authInfoChanged;
  return { ok: true, holderSubjectId: attempt.holderSubjectId, mergeTicket: attempt.mergeTicket };
}
