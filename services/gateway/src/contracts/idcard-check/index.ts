import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import express, { Request, Response, Router } from 'express';
import { isKycError } from '@kyc/core';
import { VerifiedIdentityView } from '../../application/ports';
import { alipaySignatureMatches, chinaTimestampFresh, InvalidPublicKeyError } from '../../domain/alipay-signature';
import { ContractContext, FrameworkError, PartnerContract } from '../contract';
import { IDCARD_CHECK_ERRORS as E, IdcardCheckError, replyError, replySuccess } from './errors';
import { IdcardCheckObject, unverifiedAnswer, verifiedAnswer } from './identity-answer';
import { openPhotoToken, photoClaimOfRef, sealPhotoToken } from './photo-url-token';
import { IdcardQuery, parseBizContent, parsePublicParams } from './request';

export const IDCARD_CHECK_FEATURE = 'idcard-check';
const PREFIX = '/api/kycloud/open/v1.0';
export const CHECK_PATH = `${PREFIX}/auth/idcard/check`;
export const FILES_PATH = `${PREFIX}/files`;

/** A refusal on the way to an answer; carried as a value so the handler has one place that replies. */
class Refusal {
  constructor(
    readonly error: IdcardCheckError,
    readonly detail?: string,
  ) {}
}

/**
 * Authenticates one request: well-formed public parameters, a known active company with a
 * registered key, a fresh timestamp, a valid signature, and only then the feature grant (so an
 * unsigned caller learns nothing about what a company may do). There is no nonce: the endpoint
 * only reads, and a replay inside the window returns what the original request returned.
 */
async function authenticate(ctx: ContractContext, body: unknown): Promise<{ companyId: string; query: IdcardQuery }> {
  const parsed = parsePublicParams(body);
  if (!parsed.ok) throw new Refusal(parsed.error, parsed.detail);
  const p = parsed.value;
  const company = await ctx.ports.partners.find(p.companyId);
  if (!company) throw new Refusal(E.companyNotExisted);
  if (!company.active) throw new Refusal(E.companyForbidden);
  const publicKey = await ctx.ports.partners.publicKeyOf(p.companyId);
  if (!publicKey) throw new Refusal(E.companyKeyNotRegistered);
  if (!chinaTimestampFresh(p.timestamp, ctx.settings.signatureMaxSkewSeconds)) throw new Refusal(E.requestExpired);
  let signed: boolean;
  try {
    signed = alipaySignatureMatches(p.all, p.signType, publicKey, p.sign);
  } catch (err) {
    // A stored key that no longer parses is the platform's fault, not the company's.
    if (err instanceof InvalidPublicKeyError) ctx.logger.error({ companyId: p.companyId }, 'registered company key is unusable');
    throw err;
  }
  if (!signed) throw new Refusal(E.signError);
  if (!company.features.includes(IDCARD_CHECK_FEATURE)) throw new Refusal(E.companyForbidden);
  const query = parseBizContent(p.bizContent);
  if (!query.ok) throw new Refusal(query.error, query.detail);
  return { companyId: p.companyId, query: query.value };
}

function photoUrl(ctx: ContractContext, ref: string, nowMs: number): string {
  const claim = ref ? photoClaimOfRef(ref) : undefined;
  if (!claim) return '';
  const token = sealPhotoToken(ctx.settings.urlSigningKey, claim, nowMs + ctx.settings.signedUrlTtlSeconds * 1000);
  return `${ctx.settings.publicBaseUrl.replace(/\/+$/, '')}${FILES_PATH}/${token}`;
}

/**
 * Looks a person up among the identities verified under this company only (partner id =
 * companyId in every lookup). By userId: a user the company never sent is "not existed"; a known
 * user without a verified identity answers isAuth false. By cardNumber: only a verified identity
 * is a hit, anything else is "not existed".
 */
async function lookUp(ctx: ContractContext, companyId: string, query: IdcardQuery): Promise<IdcardCheckObject> {
  const now = Date.now();
  const answer = (identity: VerifiedIdentityView, userId: string) =>
    verifiedAnswer(identity, userId, { cardFrontUrl: photoUrl(ctx, identity.cardFrontPhotoId, now), cardBackUrl: photoUrl(ctx, identity.cardBackPhotoId, now) }, now);
  if (query.by === 'userId') {
    const subject = await ctx.ports.subjects.findSubject(companyId, query.userId);
    if (!subject) throw new Refusal(E.userNotExisted);
    const identity = await ctx.ports.identities.findVerified({ partnerId: companyId, subjectId: subject.subjectId });
    return identity && identity.partnerId === companyId ? answer(identity, query.userId) : unverifiedAnswer(query.userId);
  }
  const identity = await ctx.ports.identities.findVerified({ partnerId: companyId, idNumber: query.cardNumber });
  if (!identity || identity.partnerId !== companyId) throw new Refusal(E.userNotExisted);
  return answer(identity, (await ctx.ports.subjects.partnerUserIdOf(identity.subjectId)) ?? '');
}

async function handleCheck(ctx: ContractContext, req: Request, res: Response): Promise<void> {
  let companyId: string | undefined;
  try {
    const auth = await authenticate(ctx, req.body);
    companyId = auth.companyId;
    const object = await lookUp(ctx, auth.companyId, auth.query);
    ctx.logger.info({ companyId, by: auth.query.by, isAuth: object.isAuth }, 'idcard check answered');
    replySuccess(res, object);
  } catch (err) {
    if (err instanceof Refusal) {
      // Only the company id and the code: bizContent, names and numbers are never logged.
      ctx.logger.info({ companyId: companyId ?? parsedCompanyId(req.body), code: err.error.code }, 'idcard check refused');
      return replyError(res, err.error, err.detail);
    }
    ctx.logger.error({ companyId, code: isKycError(err) ? err.code : undefined, err: (err as Error).message }, 'idcard check failed');
    replyError(res, E.systemError);
  }
}

const parsedCompanyId = (body: unknown) => {
  const id = (body as { companyId?: unknown } | undefined)?.companyId;
  return typeof id === 'string' && /^\d{1,20}$/.test(id) ? id : undefined;
};

/** Status-only answers: a photo URL explains nothing about why it does not work. */
function replyFileStatus(res: Response, status: number): void {
  res.status(status).set({ 'Cache-Control': 'private, no-store' }).end();
}

async function handleFile(ctx: ContractContext, req: Request, res: Response): Promise<void> {
  const opened = openPhotoToken(ctx.settings.urlSigningKey, String(req.params.token));
  if (!opened.ok) return replyFileStatus(res, opened.reason === 'expired' ? 403 : 404);
  let photo;
  try {
    photo = await ctx.ports.photos.download(opened.claim.subjectId, opened.claim.photoType);
  } catch (err) {
    const code = isKycError(err) ? err.code : undefined;
    if (isKycError(err) && err.kind === 'not_found') return replyFileStatus(res, 404);
    ctx.logger.error({ code, err: (err as Error).message }, 'idcard photo download failed');
    return replyFileStatus(res, isKycError(err) && err.kind === 'unavailable' ? 503 : 500);
  }
  if (!photo) return replyFileStatus(res, 404);
  res.status(200).set({
    'Content-Type': photo.contentType || 'application/octet-stream',
    'Content-Length': String(photo.sizeBytes),
    'Cache-Control': 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  try {
    await pipeline(photo.body, res);
  } catch (err) {
    // Headers are gone: cutting the connection tells the client the image is incomplete.
    ctx.logger.warn({ err: (err as Error).message }, 'idcard photo stream broke off');
    res.destroy();
  }
}

function router(ctx: ContractContext): Router {
  const r = express.Router();
  // Alipay-style SDKs post forms; JSON is accepted too. A body already parsed upstream is left as is.
  const bodies = [express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 50 }), express.json({ limit: '64kb' })];
  r.post(CHECK_PATH, ...bodies, (req, res) => handleCheck(ctx, req, res));
  r.get(`${FILES_PATH}/:token`, (req, res) => handleFile(ctx, req, res));
  return r;
}

const FRAMEWORK_ERRORS: Record<FrameworkError, IdcardCheckError> = {
  'bad-request': E.paramError,
  'too-large': E.paramError,
  'rate-limited': E.requestTooFrequent,
  'not-found': E.apiNotExisted,
  'method-not-allowed': E.apiNotExisted,
  internal: E.systemError,
};

const FILE_STATUS: Record<FrameworkError, number> = { 'bad-request': 400, 'too-large': 413, 'rate-limited': 429, 'not-found': 404, 'method-not-allowed': 405, internal: 500 };

export const idcardCheckContract: PartnerContract = {
  name: 'idcard-check',
  seed: '004',
  pathPrefixes: [PREFIX],
  feature: IDCARD_CHECK_FEATURE,
  router,
  replyFrameworkError(res, error) {
    if (String(res.req?.path ?? '').startsWith(`${FILES_PATH}/`)) return replyFileStatus(res, FILE_STATUS[error]);
    replyError(res, FRAMEWORK_ERRORS[error], undefined, error === 'method-not-allowed' ? 405 : 200);
  },
  openapiFragment: path.join(__dirname, 'openapi.yaml'),
};
