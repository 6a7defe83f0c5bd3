/**
 * Seed 003, campus verification: rnauth with a user's `access_token` (PlatformClient.mintSession),
 * results by ticket with the app's access token (PlatformClient.mintAppToken). Answers are
 * `{code, message, data}`; 200 and 202 (started, ask again by ticket) are answers, everything else
 * is thrown as UcenterError (409 carries the holder's masked mobile and guid for MERGE).
 */
import type { paths } from './gen/openapi';
import { UcenterError } from './errors';
import { bodyOf, ConnectionOptions, createKycClient, KycClient } from './http';

const RNAUTH = '/api/ucenter-service-provider/api/user/rnauth';
const MOBILE_CODE = '/api/ucenter-service-provider/api/user/rnauth/mobile-code';
const RESULT = '/api/ucenter-service-provider/api/user/rnauth/result';

type Content<T> = T extends { content: { 'application/json': infer B } } ? B : never;
export type RnAuthRequest = Content<paths[typeof RNAUTH]['post']['requestBody']>;
export type RnAuthAnswer = Content<paths[typeof RNAUTH]['post']['responses'][200]> | Content<paths[typeof RNAUTH]['post']['responses'][202]>;
export type MobileCodeRequest = Content<paths[typeof MOBILE_CODE]['post']['requestBody']>;
export type MobileCodeAnswer = Content<paths[typeof MOBILE_CODE]['post']['responses'][200]>;
export type RnAuthResultAnswer = Content<paths[typeof RESULT]['get']['responses'][200]>;

function ok<T>(result: { data?: unknown; error?: unknown; response: Response }, accepted: number[] = [200]): T {
  const body = bodyOf(result) as { code?: number } | undefined;
  if (!accepted.includes(result.response.status) || !accepted.includes(Number(body?.code))) throw new UcenterError(result.response.status, body);
  return body as T;
}

const headers = (token: string) => ({ 'x-deepcloud-from': 'client' as const, Authorization: token });

export class UcenterClient {
  readonly api: KycClient;
  constructor(opts: ConnectionOptions) {
    this.api = createKycClient(opts);
  }

  /** One rnauth request (IMPORT, ECARD, RELATION, MOBILE, MERGE, …) for the user of `accessToken`. */
  async rnAuth(accessToken: string, body: RnAuthRequest): Promise<RnAuthAnswer> {
    return ok(await this.api.POST(RNAUTH, { params: { header: headers(accessToken) }, body }), [200, 202]);
  }

  /** Sends the SMS code a MOBILE (or MERGE) request then quotes. */
  async sendMobileCode(accessToken: string, body: MobileCodeRequest): Promise<MobileCodeAnswer> {
    return ok(await this.api.POST(MOBILE_CODE, { params: { header: headers(accessToken) }, body }));
  }

  /** A verification's result by its rnAuthTicket, with the app's access token. */
  async result(appAccessToken: string, rnAuthTicket: string): Promise<RnAuthResultAnswer> {
    return ok(await this.api.GET(RESULT, { params: { header: headers(appAccessToken), query: { rnAuthTicket } } }));
  }
}
