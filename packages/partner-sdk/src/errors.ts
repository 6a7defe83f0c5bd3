/**
 * Refusals, one class per contract, each carrying that contract's own fields: every contract keeps
 * the error envelope and codes its partners already handle. `httpStatus` is the HTTP status and
 * `body` the answer as received (undefined when it was not JSON).
 */
import type { components } from './gen/openapi';

type Schemas = components['schemas'];
const field = (body: unknown, name: string): unknown => (body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined);

export abstract class KycApiError extends Error {
  abstract readonly contract: string;
  constructor(
    message: string,
    readonly httpStatus: number,
    readonly body: unknown,
  ) {
    super(message);
  }
}

/** The platform endpoints (/api/platform/session, /api/platform/app-token): `{code, data, message}`. */
export class PlatformError extends KycApiError {
  override readonly name = 'PlatformError';
  readonly contract = 'platform';
  readonly code: number;
  constructor(httpStatus: number, body: unknown) {
    super(`platform: ${String(field(body, 'message') ?? `HTTP ${httpStatus}`)}`, httpStatus, body);
    this.code = Number(field(body, 'code') ?? httpStatus);
  }
}

/** Seed 000, member verification: `{code, data, message}` with the HTTP status equal to `code`. */
export class MemberStatusError extends KycApiError {
  override readonly name = 'MemberStatusError';
  readonly contract = 'member-status';
  readonly code: number;
  constructor(httpStatus: number, body: unknown) {
    super(`member-status: ${String(field(body, 'message') ?? `HTTP ${httpStatus}`)}`, httpStatus, body);
    this.code = Number(field(body, 'code') ?? httpStatus);
  }
}

/** Seed 001, app verification: HTTP 200 with `{attachment, message, status}`, `status` ≠ 200 (e.g. -1002). */
export class AppAuthError extends KycApiError {
  override readonly name = 'AppAuthError';
  readonly contract = 'app-auth';
  readonly status: Schemas['AppEnvelope']['status'] | number;
  readonly attachment: unknown;
  constructor(httpStatus: number, body: unknown) {
    super(`app-auth: ${String(field(body, 'message') ?? field(body, 'status') ?? `HTTP ${httpStatus}`)}`, httpStatus, body);
    this.status = Number(field(body, 'status') ?? httpStatus);
    this.attachment = field(body, 'attachment') ?? null;
  }
}

/** Seed 002, user validation: `{version, response: {result}, context}` with `result` ≠ 200. */
export class UserValidateError extends KycApiError {
  override readonly name = 'UserValidateError';
  readonly contract = 'user-validate';
  readonly result: Schemas['UserValidateEnvelope']['response']['result'] | number;
  constructor(httpStatus: number, body: unknown) {
    const result = Number(field(field(body, 'response'), 'result') ?? httpStatus);
    super(`user-validate: result ${result}`, httpStatus, body);
    this.result = result;
  }
}

/** Seed 003, campus verification: `{code, message, data}` (409 carries the holder's masked mobile and guid). */
export class UcenterError extends KycApiError {
  override readonly name = 'UcenterError';
  readonly contract = 'ucenter';
  readonly code: number;
  readonly data: { rnAuthTicket?: string; reason?: string; mobileNo?: string; guid?: string };
  constructor(httpStatus: number, body: unknown) {
    super(`ucenter: ${String(field(body, 'message') ?? `HTTP ${httpStatus}`)}`, httpStatus, body);
    this.code = Number(field(body, 'code') ?? httpStatus);
    this.data = (field(body, 'data') ?? {}) as UcenterError['data'];
  }
}

/** Seed 004, ID card check: `{success: false, code, message, object: null}` (e.g. open_request_expired). */
export class IdcardCheckError extends KycApiError {
  override readonly name = 'IdcardCheckError';
  readonly contract = 'idcard-check';
  readonly code: string;
  constructor(httpStatus: number, body: unknown) {
    const code = String(field(body, 'code') ?? `HTTP ${httpStatus}`);
    super(`idcard-check: ${code} ${String(field(body, 'message') ?? '')}`.trim(), httpStatus, body);
    this.code = code;
  }
}
