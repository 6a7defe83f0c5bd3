import { randomBytes } from 'node:crypto';
import { signMemberNotify } from './member-notify-signing';

/** What the partner passed with a seed-000 submission, as carried in the verification's partner_reference. */
export interface MemberReference {
  txSeqNo: string;
  userId: string;
}

/**
 * The gateway stores seed 000's `{"tx_seq_no": ..., "user_id": ...}` as the verification's
 * partner_reference (the verification has no field for the partner's user id). Anything that is
 * not that JSON is taken as the tx_seq_no alone.
 */
export function parseMemberReference(partnerReference: string): MemberReference {
  try {
    const parsed = JSON.parse(partnerReference) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const o = parsed as Record<string, unknown>;
      if (typeof o.tx_seq_no === 'string' || typeof o.user_id === 'string') {
        return { txSeqNo: String(o.tx_seq_no ?? ''), userId: String(o.user_id ?? '') };
      }
    }
  } catch {
    // not JSON: a plain tx_seq_no
  }
  return { txSeqNo: partnerReference, userId: '' };
}

export const MEMBER_NOTIFY_MESSAGES = { SUCCESS: '实名认证成功', FAILED: '实名认证失败' } as const;

/** Seed 000's asynchronous result notification, signed; exactly the seed's fields. */
export function buildMemberNotifyBody(input: {
  appId: string;
  appSecret: string;
  succeeded: boolean;
  partnerReference: string;
  idNumber: string;
  now: Date;
  nonce?: string;
}): Record<string, string> {
  const ref = parseMemberReference(input.partnerReference);
  const status = input.succeeded ? 'SUCCESS' : 'FAILED';
  const fields: Record<string, string> = {
    app_id: input.appId,
    code: '0000',
    nonce_str: input.nonce ?? randomBytes(8).toString('hex').toUpperCase(),
    status,
    message: MEMBER_NOTIFY_MESSAGES[status],
    time_stamp: String(Math.floor(input.now.getTime() / 1000)),
    tx_seq_no: ref.txSeqNo,
    user_id: ref.userId,
    id_no: input.idNumber,
  };
  return { ...fields, sign: signMemberNotify(fields, input.appSecret) };
}

/** The member-notify contract: only HTTP 200 with a JSON body whose `code` is "0000" counts. */
export function isMemberNotifyAcknowledged(httpStatus: number, body: string): boolean {
  if (httpStatus !== 200) return false;
  try {
    const parsed = JSON.parse(body) as { code?: unknown };
    return parsed !== null && typeof parsed === 'object' && parsed.code === '0000';
  } catch {
    return false;
  }
}
