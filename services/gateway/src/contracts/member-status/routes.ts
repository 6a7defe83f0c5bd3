import { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import { memberVerificationStatus, MemberVerificationResult, startMemberVerification } from '../../application/member-verifications';
import { ContractContext } from '../contract';
import { correlationIdOf } from '../correlation';
import { MEMBER_STATUS, replyMember, seedTime } from './envelope';
import { memberErrorOf } from './errors';
import { SignedMemberRequest, verifySignedMemberRequest } from './signed-request';

export const MEMBER_VERIFY_FEATURE = 'member-verify';

const userId = z.string().trim().min(1).max(128);
const memberId = z.union([z.string().min(1).max(64), z.number().int().safe()]);

const statusBody = z.object({
  user_id: userId,
  // Required by the contract; the query is answered by user_id (the user's latest verification).
  member: z.object({}).passthrough(),
});

const verifyBody = z.object({
  user_id: userId,
  tx_seq_no: z.string().trim().min(1).max(64),
  notify_url: z
    .string()
    .max(2048)
    .refine((u) => URL.canParse(u) && ['http:', 'https:'].includes(new URL(u).protocol), 'notify_url must be an http or https URL'),
  member: z.object({
    id: memberId,
    name: z.string().trim().min(1).max(64),
    identity_card_number: z.string().trim().min(15).max(18),
    phone: z
      .string()
      .regex(/^1\d{10}$/, 'phone must be an 11-digit mainland mobile number')
      .optional()
      .or(z.literal('')),
  }),
});

/** The partner wrote `merber` in the seed's own example; both spellings are accepted. */
function withMember(body: unknown): unknown {
  if (body && typeof body === 'object' && !('member' in body) && 'merber' in body) return { ...body, member: (body as { merber: unknown }).merber };
  return body;
}

/** "<field> 必填" when the field is absent, "<field> 格式错误" when it is there but malformed. */
function firstIssue(body: unknown, error: z.ZodError): string {
  const path = error.issues[0]?.path ?? [];
  let value: unknown = body;
  for (const key of path) value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  const field = path.join('.') || 'body';
  return value === undefined || value === null || value === '' ? `${field} 必填` : `${field} 格式错误`;
}

function statusData(partnerAppId: string, partnerUserId: string, result: MemberVerificationResult) {
  const { submission, verification } = result;
  return {
    created_at: seedTime(verification.createdAt.getTime() > 0 ? verification.createdAt : submission.createdAt),
    partner_app_id: partnerAppId,
    partner_user_id: partnerUserId,
    status: MEMBER_STATUS[verification.state],
    updated_at: seedTime(verification.updatedAt.getTime() > 0 ? verification.updatedAt : submission.createdAt),
    member: {
      id: submission.member.id,
      phone: submission.member.phone,
      name: submission.member.name,
      identity_card_number: submission.member.idNumber,
    },
  };
}

/** Seed 000: member verification (submission, status query); notifications come from the notifier. */
export function memberStatusRoutes(ctx: ContractContext): Router {
  const router = Router();
  const signed = verifySignedMemberRequest(ctx, MEMBER_VERIFY_FEATURE);

  router.post('/api/platform/member/verify', signed, async (req: Request, res: Response) => {
    const body = withMember(req.body);
    const parsed = verifyBody.safeParse(body);
    if (!parsed.success) return replyMember(res, 400, null, firstIssue(body, parsed.error));
    const { partner } = req as SignedMemberRequest;
    const { member } = parsed.data;
    const result = await startMemberVerification(ctx.ports, partner, {
      userId: parsed.data.user_id,
      txSeqNo: parsed.data.tx_seq_no,
      notifyUrl: parsed.data.notify_url,
      member: { id: member.id, name: member.name, idNumber: member.identity_card_number, phone: member.phone ?? '' },
      correlationId: correlationIdOf(req),
    });
    replyMember(
      res,
      200,
      {
        tx_seq_no: result.submission.txSeqNo,
        status: MEMBER_STATUS[result.verification.state],
        created_at: seedTime(result.verification.createdAt.getTime() > 0 ? result.verification.createdAt : result.submission.createdAt),
      },
      'success',
    );
  });

  router.post('/api/platform/member/status', signed, async (req: Request, res: Response) => {
    const body = withMember(req.body);
    const parsed = statusBody.safeParse(body);
    if (!parsed.success) return replyMember(res, 400, null, firstIssue(body, parsed.error));
    const { partner } = req as SignedMemberRequest;
    const result = await memberVerificationStatus(ctx.ports, partner, parsed.data.user_id, correlationIdOf(req));
    replyMember(res, 200, statusData(partner.appId, parsed.data.user_id, result), 'success');
  });

  router.use('/api/platform/member', (err: Error, _req: Request, res: Response, _next: NextFunction) => {
    const [status, message] = memberErrorOf(err);
    if (status >= 500) ctx.logger.error({ err: err.message }, 'member request failed');
    replyMember(res, status, null, message);
  });
  return router;
}
