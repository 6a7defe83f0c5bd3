import { invalidArgument, isKycError } from '@kyc/core';
import { IdentityRegistry } from '../../application/ports';
import { Claim, failed, RESULT, succeeded, VERIFICATION_ERROR } from '../../domain/verification';
import { Liveness } from '../../providers/liveness/liveness';
import { BeginContext, BeginResult, ProcessContext, ProcessResult, VerificationMethod } from '../method';

export const LIVENESS = 'liveness';

/** Result codes of a liveness verification that did not succeed (stable: partners key on them). */
export const LIVENESS_RESULT = {
  /** The provider says the person did not pass (face mismatch, spoofing risk, ...). */
  failed: 'LIVENESS.FAILED',
  /** The person did not finish the check before it expired. */
  expired: 'LIVENESS.EXPIRED',
  /** The provider stayed unavailable for the give-up time. */
  unavailable: 'LIVENESS.UNAVAILABLE',
} as const;

export interface LivenessDeps {
  liveness: Liveness;
  identities: IdentityRegistry;
}

/** A verification id as the provider's outer order number: 1-32 letters and digits. */
const outerOrderNo = (verificationId: string) => verificationId.replace(/[^A-Za-z0-9]/g, '').slice(0, 32);

/** Error codes only: messages of provider errors are not guaranteed free of request data. */
const reasonOf = (err: unknown) => (isKycError(err) ? err.code : 'KYC.INTERNAL');

/**
 * Real-person (liveness) verification through the liveness provider port: the subject's name and
 * resident ID number (the claim) are checked by the provider against the authority's photo while
 * the person is in front of their device's camera.
 *
 * - begin (at start): the provider opens a certification; its certify id is the verification's
 *   provider reference, and the device gets what its SDK needs (certify id, verify token or URL)
 *   and the expiry.
 * - process (automatic: at start, on the sweep with back-off, and at once when the subject says
 *   they are done, GetSubjectState check_now): the server asks the provider for the result; what
 *   the device claims is never an input. passed -> the identity is recorded, SUCCEEDED OK (the
 *   provider's answer is kept so a retry after an identity-lookup failure does not ask again);
 *   failed -> FAILED LIVENESS.FAILED (the provider's SubCode is kept in the progress); expired ->
 *   FAILED LIVENESS.EXPIRED; not finished -> asked again later, until the provider calls it
 *   expired; provider unavailable -> retried, FAILED LIVENESS.UNAVAILABLE after the give-up time.
 * The provider's face images are never fetched, so none is kept.
 */
export function livenessMethod(deps: LivenessDeps): VerificationMethod {
  return {
    name: LIVENESS,
    checksIdNumber: true,
    processing: 'automatic',
    validateClaim(claim: Claim): Claim {
      const name = claim.name.trim();
      const idNumber = claim.idNumber.trim().toUpperCase();
      if (!name || !idNumber) throw invalidArgument(VERIFICATION_ERROR.claimIncomplete, 'a liveness verification needs a name and a resident ID number');
      return { name, idNumber, mobile: '' };
    },

    async begin(ctx: BeginContext): Promise<BeginResult> {
      const session = await deps.liveness.init({
        subjectRef: ctx.subjectId,
        name: ctx.claim.name,
        idNumber: ctx.claim.idNumber,
        outerOrderNo: outerOrderNo(ctx.verificationId),
        metaInfo: ctx.input.meta_info || undefined,
      });
      return {
        providerReference: session.certifyId,
        output: {
          certify_id: session.certifyId,
          ...(session.verifyToken ? { verify_token: session.verifyToken } : {}),
          ...(session.certifyUrl ? { certify_url: session.certifyUrl } : {}),
          expires_at: session.expiresAt.toISOString(),
        },
        progress: { providerExpiresAt: session.expiresAt },
      };
    },

    async process(ctx: ProcessContext): Promise<ProcessResult> {
      const { verification: v, claim, progress } = ctx;
      const providerReference = v.providerReference;
      if (progress.providerOutcome !== 'passed') {
        let answer;
        try {
          answer = await deps.liveness.result(providerReference, { expiresAt: progress.providerExpiresAt ? new Date(progress.providerExpiresAt) : undefined });
        } catch (err) {
          return { kind: 'retry', giveUpCode: LIVENESS_RESULT.unavailable, reason: reasonOf(err) };
        }
        if (answer.outcome === 'not-finished') return { kind: 'retry', reason: 'KYC.LIVENESS.NOT_FINISHED' };
        await ctx.saveProgress({ ...progress, providerOutcome: answer.outcome, providerSubCode: answer.subCode });
        if (answer.outcome === 'failed') return { kind: 'complete', outcome: failed(LIVENESS_RESULT.failed, providerReference) };
        if (answer.outcome === 'expired') return { kind: 'complete', outcome: failed(LIVENESS_RESULT.expired, providerReference) };
      }
      try {
        const recorded = await deps.identities.recordVerifiedIdentity(
          { partnerId: v.partnerId, subjectId: v.subjectId, name: claim.name, idNumber: claim.idNumber, method: LIVENESS, verificationId: v.id, verifiedAt: new Date() },
          ctx.correlationId,
        );
        if (recorded.conflict) return { kind: 'complete', outcome: failed(RESULT.identityConflict, providerReference) };
      } catch (err) {
        return { kind: 'retry', giveUpCode: RESULT.identityUnavailable, reason: reasonOf(err) };
      }
      return { kind: 'complete', outcome: succeeded(providerReference) };
    },
  };
}
