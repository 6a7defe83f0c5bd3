/**
 * Partner-signed calls (seed 000's signing): the platform's session and app-token endpoints and
 * seed 000's member verification. The SDK signs every request afresh.
 */
import type { components, paths } from './gen/openapi';
import { MemberStatusError, PlatformError } from './errors';
import { bodyOf, ConnectionOptions, createKycClient, KycClient } from './http';
import { PartnerCredentials, signMemberRequest } from './signing/member-signing';

type JsonBody<P extends keyof paths> = paths[P] extends { post: { requestBody?: { content: { 'application/json': infer B } } } } ? B : never;
type Unsigned<B> = Omit<B, 'app_id' | 'nonce_str' | 'time_stamp' | 'sign'>;
type Ok200<P extends keyof paths> = paths[P] extends { post: { responses: { 200: { content: { 'application/json': infer R } } } } } ? R : never;

export type SessionRequest = Unsigned<JsonBody<'/api/platform/session'>>;
export type AppTokenRequest = Unsigned<JsonBody<'/api/platform/app-token'>>;
export type MemberVerifyRequest = Unsigned<JsonBody<'/api/platform/member/verify'>>;
export type MemberStatusRequest = Unsigned<JsonBody<'/api/platform/member/status'>>;
export type MemberStatusAnswer = Ok200<'/api/platform/member/status'>;
export type PlatformEnvelope = components['schemas']['PlatformEnvelope'];

export interface SignedClientOptions extends ConnectionOptions {
  credentials: PartnerCredentials;
}

/** `code` 200 is success on these endpoints; anything else is the contract's refusal. */
function ok<T extends { code: number }>(result: { data?: unknown; error?: unknown; response: Response }, Refusal: typeof PlatformError | typeof MemberStatusError): T {
  const body = bodyOf(result) as T | undefined;
  if (result.response.status !== 200 || body?.code !== 200) throw new Refusal(result.response.status, body);
  return body;
}

/** What both signed clients share: the typed client and the partner's credentials. */
abstract class SignedClient {
  readonly api: KycClient;
  constructor(private readonly opts: SignedClientOptions) {
    this.api = createKycClient(opts);
  }

  /** The fields with app_id, a fresh nonce_str and time_stamp, and sign. */
  protected signed<T extends object>(fields: T) {
    return signMemberRequest(this.opts.credentials, fields);
  }
}

/** `/api/platform/session` and `/api/platform/app-token`. */
export class PlatformClient extends SignedClient {
  /**
   * A session for one of the partner's users: `user_sid` (seed 002), `uid` + `token` (seed 001),
   * `access_token` + `guid` (seed 003). Throws PlatformError.
   */
  async mintSession(fields: SessionRequest): Promise<PlatformEnvelope> {
    return ok<PlatformEnvelope>(await this.api.POST('/api/platform/session', { body: this.signed(fields) }), PlatformError);
  }

  /** Seed 003's app access token by client credentials. Throws PlatformError. */
  async mintAppToken(fields: AppTokenRequest = { grant_type: 'client_credentials' }): Promise<PlatformEnvelope> {
    return ok<PlatformEnvelope>(await this.api.POST('/api/platform/app-token', { body: this.signed(fields) }), PlatformError);
  }
}

/** Seed 000: `/api/platform/member/verify` and `/api/platform/member/status`. */
export class MemberStatusClient extends SignedClient {
  /** Starts a verification; the result goes to `notify_url` (see verifyMemberNotification). Throws MemberStatusError. */
  async verify(fields: MemberVerifyRequest): Promise<PlatformEnvelope> {
    return ok<PlatformEnvelope>(await this.api.POST('/api/platform/member/verify', { body: this.signed(fields) }), MemberStatusError);
  }

  /** The verification's status; "not found" is the contract's 400, thrown as MemberStatusError. */
  async status(fields: MemberStatusRequest): Promise<MemberStatusAnswer> {
    return ok<MemberStatusAnswer>(await this.api.POST('/api/platform/member/status', { body: this.signed(fields) }), MemberStatusError);
  }
}
