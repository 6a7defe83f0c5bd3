import { Request } from 'express';
import { isKycError } from '@kyc/core';
import { GATEWAY_ERRORS as E } from '../../application/errors';
import { sessionOf } from '../../application/identity-submissions';
import { GatewayPorts, SessionView } from '../../application/ports';
import { APP_STATUS, AppRefusal, AppStatus, Language, languageOf } from './envelope';

/**
 * Every seed 001 request carries uid (Long), token and local. Apps post them as a form or as JSON,
 * some in the query string: all three are read, the body winning over the query.
 */
export function paramsOf(req: Request): Record<string, unknown> {
  const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
  return { ...(req.query as Record<string, unknown>), ...body };
}

export const languageOfRequest = (params: Record<string, unknown>): Language => languageOf(params.local);

/** `local`, when sent, is text (a language tag); any other JSON value is a malformed parameter (-1). */
export function assertLocalParam(params: Record<string, unknown>): void {
  if (params.local !== undefined && typeof params.local !== 'string') throw new AppRefusal(APP_STATUS.badParameter, 'local');
}

/** A Long as apps send it: a JSON number or a string of digits (within JavaScript's safe range). */
export function longOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,19}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * uid + token: the token is the session's secret (the same value as seed 002's user_sid) and the
 * uid must be that session's subject. A missing, unknown, expired or foreign pair is -1001.
 */
export async function appSessionOf(ports: Pick<GatewayPorts, 'sessions'>, params: Record<string, unknown>): Promise<SessionView> {
  const uid = longOf(params.uid);
  const token = typeof params.token === 'string' ? params.token.trim() : '';
  if (uid === undefined || token === '' || token.length > 200) throw new AppRefusal(APP_STATUS.loginExpired);
  let session: SessionView;
  try {
    session = await sessionOf(ports, token);
  } catch (err) {
    if (isKycError(err) && err.code === E.sessionNotFound) throw new AppRefusal(APP_STATUS.loginExpired);
    throw err;
  }
  if (session.uid !== uid) throw new AppRefusal(APP_STATUS.loginExpired);
  return session;
}

/** The status an error from a use case or a service behind means in this contract. */
export function appStatusOf(err: unknown): { status: AppStatus; detail: string } {
  if (err instanceof AppRefusal) return { status: err.status, detail: err.detail };
  if (!isKycError(err)) return { status: APP_STATUS.internal, detail: '' };
  switch (err.code) {
    case E.sessionNotFound:
      return { status: APP_STATUS.loginExpired, detail: '' };
    case E.evidenceLocked:
    case 'KYC.PHOTO.LOCKED':
      return { status: APP_STATUS.underReview, detail: '' };
    case 'KYC.PHOTO.NOT_FOUND':
    case 'KYC.PHOTO.OBJECT_BOUND':
      return { status: APP_STATUS.imageInvalid, detail: '' };
  }
  if (err.kind === 'unavailable') return { status: APP_STATUS.unavailable, detail: '' };
  return { status: APP_STATUS.internal, detail: '' };
}
