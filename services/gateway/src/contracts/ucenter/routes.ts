import { NextFunction, Request, Response, Router } from 'express';
import { answerTaken, checkMerge } from '../../application/campus-merges';
import { verificationByTicket, verifyAndAwait } from '../../application/campus-verifications';
import { requireFeature } from '../../application/partner-signing';
import { SessionView } from '../../application/ports';
import { ContractContext } from '../contract';
import { correlationIdOf } from '../correlation';
import { resultData, successData } from './answer';
import { replyUcenter } from './envelope';
import { providerErrorData, ucenterErrorOf, ucenterResultOf } from './errors';
import { accessTokenOf, fromClient, MERGE_METHOD, MergeRequest, parseMobileCodeRequest, parsePatternRequest, PROVIDER_PATTERNS, SERVED_PATTERNS } from './request';

export const UCENTER_PREFIX = '/api/ucenter-service-provider';
export const CAMPUS_AUTH_FEATURE = 'campus-auth';
export const RNAUTH = `${UCENTER_PREFIX}/api/user/rnauth`;
/** UNIONPAY-FACE carries the face photo (base64 JPEG) inside rnauth's JSON. */
export const RNAUTH_BODY_LIMIT = '1mb';
/** Not in the seed (it leaves the code's sending to be defined): sends the MOBILE pattern's code. */
const MOBILE_CODE = `${UCENTER_PREFIX}/api/user/rnauth/mobile-code`;
/** The seed shows the result query at both paths; both are served alike. */
const RESULT_PATHS = [`${UCENTER_PREFIX}/api/user/rnauth/result`, `${UCENTER_PREFIX}/api/user/getresult`];

/** How long rnauth waits for realname-pattern's verdict before answering "pending" with the ticket. */
const VERDICT_WAIT = { waitMs: 5_000, pollMs: 50 };
const MAX_TICKET_LENGTH = 200;
/** A verification's result when what it proved is held by another user of the partner: 409 or 410. */
const IDENTITY_CONFLICT = 'IDENTITY.CONFLICT';
/** Patterns that prove a roster membership (the campus card) even where the roster holds no ID number. */
const MEMBERSHIP_PATTERNS: readonly string[] = ['ECARD', 'IMPORT-ECARD'];

/**
 * Seed 003 (campus platform): real-name verification by pattern with a user access token, and its
 * result by rnAuthTicket with an app access token, only to the partner that owns the ticket.
 */
export function ucenterRoutes(ctx: ContractContext): Router {
  const router = Router();
  const { ports } = ctx;

  /** The user of a client call's access token (with campus-auth), or undefined once the refusal is answered. */
  const clientUser = async (req: Request, res: Response): Promise<SessionView | undefined> => {
    if (!fromClient(req)) return void replyUcenter(res, 400, '请求头 x-deepcloud-from 必须为 client', {});
    const session = await ports.sessions.resolve(accessTokenOf(req));
    const partner = session ? await ports.partners.find(session.partnerId) : undefined;
    if (!session || !partner?.active) return void replyUcenter(res, 401, 'access_token 无效或已过期', {});
    requireFeature(partner, CAMPUS_AUTH_FEATURE);
    return session;
  };

  router.post(RNAUTH, async (req, res) => {
    const session = await clientUser(req, res);
    if (!session) return;
    const parsed = parsePatternRequest(req.body);
    if (!parsed.ok) return replyUcenter(res, 400, parsed.message, {});
    if ('merge' in parsed) return merge(req, res, session, parsed.merge);
    const { pattern, guid: givenGuid, claim, methodInput } = parsed.request;
    if (pattern === 'MOBILE' && !ports.mobileCodes) return replyUcenter(res, 501, `暂不支持 ${pattern} 认证`, {});
    const guid = String(session.uid);
    if (givenGuid !== undefined && givenGuid !== guid) return replyUcenter(res, 403, 'guid 与 access_token 的用户不符', {});

    // Patterns that wait on an outside provider go through their own client (longer deadline, own breaker).
    const verifications = PROVIDER_PATTERNS.includes(pattern) && ports.providerVerifications ? ports.providerVerifications : ports.verifications;
    const { verification, methodOutput } = await verifyAndAwait(
      { verifications },
      { session, method: SERVED_PATTERNS[pattern], claim, methodInput, correlationId: correlationIdOf(req) },
      VERDICT_WAIT,
    );
    if (verification.state === 'succeeded') return replyUcenter(res, 200, 'OK', successData(pattern, guid, verification, methodOutput, methodInput.device_id));
    if (verification.state !== 'failed') return replyUcenter(res, 202, '认证处理中，请凭 rnAuthTicket 查询结果', { rnAuthTicket: verification.ticket });
    if (verification.resultCode === IDENTITY_CONFLICT) {
      // What was proved names the holder: the stored claim (for ECARD and IMPORT-ECARD the roster's ID
      // number), or for those two, when the roster holds none, the roster member (the verification's reference).
      const [partner, found] = await Promise.all([ports.partners.find(session.partnerId), verificationByTicket(ports, session.partnerId, verification.ticket)]);
      const memberId = found && MEMBERSHIP_PATTERNS.includes(pattern) ? found.verification.providerReference : '';
      const taken =
        partner && found
          ? await answerTaken(ports, { partner, session, pattern, proved: { ...found.claim, memberId }, authInfo: (req.body as { data: unknown }).data })
          : { offer: false as const };
      if (taken.offer) return replyUcenter(res, 409, `当前认证信息已被 ${taken.mobileNo} 占用`, { mobileNo: taken.mobileNo, guid: taken.guid });
    }
    const [code, message] = ucenterResultOf(verification.resultCode);
    replyUcenter(res, code, message, code === 410 ? {} : { rnAuthTicket: verification.ticket, reason: verification.resultCode });
  });

  /**
   * MERGE / MEGRE: the user takes over what the 409's holder (`oldGuid`) verified, confirmed by the
   * code sent to the holder's mobile, for the very attempt that answered 409 (`authInfo`). A replay
   * of a merge already started answers that merge again and starts nothing.
   */
  const merge = async (req: Request, res: Response, session: SessionView, request: MergeRequest) => {
    const guid = String(session.uid);
    if (request.guid !== undefined && request.guid !== guid) return replyUcenter(res, 403, 'guid 与 access_token 的用户不符', {});
    const partner = await ports.partners.find(session.partnerId);
    const check = partner ? await checkMerge(ports, { partner, session, oldGuid: request.oldGuid, authInfo: request.authInfo }) : undefined;
    if (!check?.ok) return replyUcenter(res, check?.code ?? 401, check?.message ?? 'access_token 无效或已过期', {});
    const earlier = check.mergeTicket ? await verificationByTicket(ports, session.partnerId, check.mergeTicket) : undefined;
    const { verification } =
      earlier && earlier.verification.state !== 'failed'
        ? { verification: earlier.verification }
        : await verifyAndAwait(
            ports,
            {
              session,
              method: MERGE_METHOD,
              claim: { name: '', idNumber: '', mobile: '' },
              methodInput: { old_subject_id: check.holderSubjectId, code: request.code },
              correlationId: correlationIdOf(req),
            },
            VERDICT_WAIT,
          );
    if (verification.state !== 'failed' && verification.ticket !== check.mergeTicket) await ports.userMerges!.recordMerge(session.partnerId, session.subjectId, verification.ticket);
    if (verification.state === 'succeeded') return replyUcenter(res, 200, 'OK', successData('MERGE', guid, verification, {}));
    if (verification.state !== 'failed') return replyUcenter(res, 202, '认证处理中，请凭 rnAuthTicket 查询结果', { rnAuthTicket: verification.ticket });
    const [code, message] = ucenterResultOf(verification.resultCode);
    replyUcenter(res, code, message, { rnAuthTicket: verification.ticket, reason: verification.resultCode });
  };

  router.post(MOBILE_CODE, async (req, res) => {
    const session = await clientUser(req, res);
    if (!session) return;
    if (!ports.mobileCodes) return replyUcenter(res, 501, '暂不支持 MOBILE 认证', {});
    const parsed = parseMobileCodeRequest(req.body);
    if (!parsed.ok) return replyUcenter(res, 400, parsed.message, {});
    if (parsed.guid !== undefined && parsed.guid !== String(session.uid)) return replyUcenter(res, 403, 'guid 与 access_token 的用户不符', {});
    const target = { partnerId: session.partnerId, subjectId: session.subjectId, mobile: '', correlationId: correlationIdOf(req) };
    if ('oldGuid' in parsed) {
      // MERGE's code: to the holder's verified mobile, which the caller never sees.
      const partner = await ports.partners.find(session.partnerId);
      const check = partner ? await checkMerge(ports, { partner, session, oldGuid: parsed.oldGuid }) : undefined;
      if (!check?.ok) return replyUcenter(res, check?.code ?? 401, check?.message ?? 'access_token 无效或已过期', {});
      Object.assign(target, { holderSubjectId: check.holderSubjectId });
    } else {
      target.mobile = parsed.mobileNo;
    }
    const sent = await ports.mobileCodes.send(target);
    replyUcenter(res, 200, 'OK', { expiresIn: sent.expiresInSeconds, resendIn: sent.resendInSeconds });
  });

  router.get(RESULT_PATHS, async (req, res) => {
    if (!fromClient(req)) return replyUcenter(res, 400, '请求头 x-deepcloud-from 必须为 client', {});
    const app = await ports.appTokens.resolve(accessTokenOf(req));
    if (!app) return replyUcenter(res, 401, 'access_token 无效或已过期', {});
    const ticket = req.query.rnAuthTicket;
    if (typeof ticket !== 'string' || ticket === '') return replyUcenter(res, 400, 'rnAuthTicket 必填', {});
    const found = ticket.length <= MAX_TICKET_LENGTH ? await verificationByTicket(ports, app.partnerId, ticket) : undefined;
    if (!found) return replyUcenter(res, 404, 'rnAuthTicket 不存在', {});
    replyUcenter(res, 200, 'OK', resultData(found.verification, found.claim));
  });

  router.use(UCENTER_PREFIX, (err: Error, _req: Request, res: Response, _next: NextFunction) => {
    const [code, message] = ucenterErrorOf(err);
    if (code >= 500) ctx.logger.error({ err: err.message }, 'ucenter request failed');
    replyUcenter(res, code, message, providerErrorData(err));
  });
  return router;
}
