/**
 * Liveness over Alibaba Cloud real-person verification (cloudauth, API version 2019-03-07),
 * RPC style and signed by @kyc/provider-kit (POST, every parameter in the form body):
 *
 *   InitFaceVerify     SceneId, OuterOrderNo, ProductCode (ID_PRO: app), Model, CertType=IDENTITY_CARD,
 *                      CertName, CertNo, UserId[, MetaInfo]
 *                      -> {RequestId, Code:"200", Message, ResultObject:{CertifyId, CertifyUrl?}}
 *   DescribeFaceVerify SceneId, CertifyId
 *                      -> {RequestId, Code:"200", Message, ResultObject:{Passed:"T"|"F", SubCode, MaterialInfo, ...}}
 *
 * Reading a result:
 *   Passed "T"                       passed
 *   Passed "F" with a SubCode        failed (the SubCode says why: 201-209)
 *   no verdict yet                   not-finished, or expired once `expiresAt` (init + LIVENESS_CERTIFY_TTL_MS) has passed
 *   Code other than "200"            REFUSED (parameters, scene, account: the call was not served)
 * MaterialInfo (face picture URLs and scores) is never read: the face image is not kept.
 *
 * Retries: DescribeFaceVerify only reads, so it is idempotent (502/503/504 retried). InitFaceVerify
 * creates a certification at Alibaba: it is retried only when the connection was refused, never
 * after the request may have arrived. A caller that tries a failed init again later passes the same
 * outer order number (Alibaba does not deduplicate on it, but every certification made for the
 * attempt carries it); a certification nobody finishes simply expires.
 */
import { Logger } from '@kyc/core';
import { AlibabaCredentials, AlibabaRpcClient, ProviderClientSettings, requireSettings, RpcAnswer } from '@kyc/provider-kit';
import { LIVENESS_ERROR, Liveness, LivenessInit, LivenessResult, LivenessSession, checkCertifyId, checkLivenessInit } from './liveness';

/** What the adapter needs besides the common provider settings (LIVENESS_URL, credentials, extras). */
export interface CloudauthSettings extends AlibabaCredentials {
  /** e.g. https://cloudauth.aliyuncs.com */
  url: string;
  /** The authentication scene created in the cloudauth console. */
  sceneId: string;
  /** ID_PRO (app SDK) by default. */
  productCode: string;
  /** Liveness model, e.g. LIVENESS (blink) or MOVE_ACTION. */
  model: string;
  /** How long a certification can be finished after init. */
  certifyTtlMs: number;
}

export interface HttpLivenessOptions extends ProviderClientSettings, CloudauthSettings {
  logger: Logger;
  /** Every call's outcome (for metrics): started, passed, failed, not-finished, expired, error, breaker-open. */
  onResult?(result: string, operation: string): void;
}

interface InitBody {
  ResultObject?: { CertifyId?: string; CertifyUrl?: string };
}
interface DescribeBody {
  ResultObject?: { Passed?: string; SubCode?: string };
}

export class HttpLiveness implements Liveness {
  private readonly rpc: AlibabaRpcClient;

  constructor(private readonly opts: HttpLivenessOptions) {
    requireSettings(opts, { url: 'LIVENESS_URL', accessKeyId: 'LIVENESS_ACCESS_KEY_ID', accessKeySecret: 'LIVENESS_ACCESS_KEY_SECRET', sceneId: 'LIVENESS_SCENE_ID' }, 'LIVENESS_MODE=http');
    this.rpc = new AlibabaRpcClient({ ...opts, name: 'liveness', errors: LIVENESS_ERROR, version: '2019-03-07' });
  }

  async init(input: LivenessInit): Promise<LivenessSession> {
    checkLivenessInit(input);
    const action = 'InitFaceVerify';
    return this.rpc.call({
      action,
      idempotent: false,
      params: {
        SceneId: this.opts.sceneId,
        OuterOrderNo: input.outerOrderNo,
        ProductCode: this.opts.productCode,
        Model: this.opts.model,
        CertType: 'IDENTITY_CARD',
        CertName: input.name,
        CertNo: input.idNumber,
        UserId: input.subjectRef,
        ...(input.metaInfo ? { MetaInfo: input.metaInfo } : {}),
      },
      interpret: (answer) => {
        const { CertifyId: certifyId, CertifyUrl: certifyUrl } = this.served<InitBody>(action, answer).ResultObject ?? {};
        if (!certifyId) throw this.rpc.client.badAnswer(`${action}: answer has no ResultObject.CertifyId`);
        return { certifyId, ...(certifyUrl ? { certifyUrl } : {}), expiresAt: new Date(Date.now() + this.opts.certifyTtlMs) };
      },
      outcome: () => 'started',
    });
  }

  async result(certifyId: string, opts: { expiresAt?: Date } = {}): Promise<LivenessResult> {
    checkCertifyId(certifyId);
    const action = 'DescribeFaceVerify';
    return this.rpc.call({
      action,
      idempotent: true,
      params: { SceneId: this.opts.sceneId, CertifyId: certifyId },
      interpret: (answer): LivenessResult => {
        const verdict = this.served<DescribeBody>(action, answer).ResultObject ?? {};
        const subCode = String(verdict.SubCode ?? '');
        if (verdict.Passed === 'T') return { outcome: 'passed', subCode, providerReference: certifyId };
        if (verdict.Passed === 'F' && subCode) return { outcome: 'failed', subCode, providerReference: certifyId };
        const expired = opts.expiresAt !== undefined && Date.now() > opts.expiresAt.getTime();
        return { outcome: expired ? 'expired' : 'not-finished', subCode, providerReference: certifyId };
      },
      outcome: (r) => r.outcome,
    });
  }

  shutdown(): void {
    this.rpc.shutdown();
  }

  /** The body of an answer that served the call (Code "200"); anything else is a refusal. */
  private served<B>(action: string, answer: RpcAnswer): B {
    if (answer.status !== 200 || String(answer.body.Code) !== '200') throw this.rpc.refused(action, answer);
    return answer.body as B;
  }
}
