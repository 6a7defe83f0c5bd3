/**
 * Seed 004, ID card check: a company asks for the verified identity of one of its users, each
 * request signed with its RSA private key (RSA2 unless told otherwise) and sent as a form.
 * Answers are `{success, code, message, object}`; `success: false` is thrown as IdcardCheckError.
 */
import type { KeyObject } from 'node:crypto';
import type { components } from './gen/openapi';
import { IdcardCheckError } from './errors';
import { bodyOf, ConnectionOptions, createKycClient, KycClient } from './http';
import { AlipaySignType, signIdcardCheck } from './signing/alipay-signing';

export type IdcardCheckObject = components['schemas']['IdcardCheckObject'];
export type IdcardCheckEnvelope = components['schemas']['IdcardCheckEnvelope'];

export interface IdcardCheckClientOptions extends ConnectionOptions {
  /** The company's id (its partner app_id). */
  companyId: string;
  /** The private key whose public half the operator registered: PEM or bare base64 PKCS#8. */
  privateKey: string | KeyObject;
  signType?: AlipaySignType;
}

export class IdcardCheckClient {
  readonly api: KycClient;
  constructor(private readonly opts: IdcardCheckClientOptions) {
    this.api = createKycClient(opts);
  }

  /** The user's identity by the company's user id or by ID number (exactly one). */
  async check(query: { userId: string } | { cardNumber: string }): Promise<IdcardCheckObject> {
    const body = signIdcardCheck(this.opts, query);
    const result = await this.api.POST('/api/kycloud/open/v1.0/auth/idcard/check', {
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      bodySerializer: (fields) => new URLSearchParams(fields as unknown as Record<string, string>).toString(),
    });
    const answer = bodyOf(result) as IdcardCheckEnvelope | undefined;
    if (result.response.status !== 200 || answer?.success !== true || !answer.object) throw new IdcardCheckError(result.response.status, answer);
    return answer.object;
  }
}
