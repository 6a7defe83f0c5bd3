import { invalidArgument } from '@kyc/core';
import { VERIFICATION_ERROR } from '../domain/verification';
import { AuthorityCheckDeps, authorityCheckMethod } from './authority-check/authority-check-method';
import { documentReviewMethod, DocumentReviewDeps } from './document-review/document-review-method';
import { EcardDeps } from './ecard-password/ecard-check';
import { ecardPasswordMethod } from './ecard-password/ecard-password-method';
import { LivenessDeps, livenessMethod } from './liveness/liveness-method';
import { manualReviewMethod } from './manual-review/manual-review-method';
import { MobileCodeDeps, mobileCodeMethod } from './mobile-code/mobile-code-method';
import { rosterImportMethod } from './roster-import/roster-import-method';
import { RosterMethodDeps } from './roster-match/roster-method';
import { rosterRelationMethod } from './roster-relation/roster-relation-method';
import { rosterWhitelistMethod } from './roster-whitelist/roster-whitelist-method';
import { UnionpayFaceDeps, unionpayFaceMethod } from './unionpay-face/unionpay-face-method';
import { UserMergeDeps, userMergeMethod } from './user-merge/user-merge-method';
import { WechatFaceDeps, wechatFaceMethod } from './wechat-face/wechat-face-method';
import { VerificationMethod } from './method';

export class MethodRegistry {
  private readonly byName: ReadonlyMap<string, VerificationMethod>;

  constructor(methods: readonly VerificationMethod[]) {
    const byName = new Map<string, VerificationMethod>();
    for (const m of methods) {
      if (byName.has(m.name)) throw new Error(`verification method ${m.name} registered twice`);
      byName.set(m.name, m);
    }
    this.byName = byName;
  }

  /** The method by name; INVALID_ARGUMENT naming the known ones when there is none. */
  get(name: string): VerificationMethod {
    const method = this.byName.get(name);
    if (!method) throw invalidArgument(VERIFICATION_ERROR.unknownMethod, `unknown verification method; known: ${this.names().join(', ')}`);
    return method;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Methods this service processes itself from the start. */
  automatic(): string[] {
    return [...this.byName.values()].filter((m) => m.processing === 'automatic').map((m) => m.name);
  }

  /**
   * Methods the processing sweep looks at: automatic ones, and external ones with a processing step
   * after their decision (they are not due before it is recorded).
   */
  processable(): string[] {
    return [...this.byName.values()].filter((m) => m.process !== undefined).map((m) => m.name);
  }
}

export type MethodDeps = AuthorityCheckDeps & DocumentReviewDeps & LivenessDeps & RosterMethodDeps & EcardDeps & WechatFaceDeps & UnionpayFaceDeps & MobileCodeDeps & UserMergeDeps;

/** Every method the platform offers: one line per method. */
export const createMethodRegistry = (deps: MethodDeps) =>
  new MethodRegistry([
    authorityCheckMethod(deps),
    manualReviewMethod(deps),
    documentReviewMethod(deps),
    livenessMethod(deps),
    rosterImportMethod(deps),
    rosterWhitelistMethod(deps),
    rosterRelationMethod(deps),
    ecardPasswordMethod(deps),
    wechatFaceMethod(deps),
    unionpayFaceMethod(deps),
    mobileCodeMethod(deps),
    userMergeMethod(deps),
  ]);
