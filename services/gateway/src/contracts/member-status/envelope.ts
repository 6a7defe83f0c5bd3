import { Response } from 'express';
import { VerificationState } from '../../application/ports';

/** Seed 000 envelope: {"code":N,"data":...,"message":"..."}; the HTTP status equals `code`. */
export function replyMember(res: Response, code: number, data: unknown, message: string): void {
  res.status(code).json({ code, data, message });
}

/** Seed 000 timestamps: UTC, seconds precision ("2021-11-02T07:09:30Z"). */
export const seedTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The verification state in seed 000's vocabulary: `success` and `failed` are final; `pending`
 * (started, not yet with the ID authority) and `processing` (being checked) are intermediate.
 */
export const MEMBER_STATUS: Record<VerificationState, string> = {
  started: 'pending',
  processing: 'processing',
  succeeded: 'success',
  failed: 'failed',
};
