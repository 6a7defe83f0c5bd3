import { invalidArgument, isKycError } from '@kyc/core';
import { IdentityRegistry } from '../../application/ports';
import { Claim, failed, RESULT, succeeded, VERIFICATION_ERROR } from '../../domain/verification';
import { ProcessContext, ProcessResult, VerificationMethod } from '../method';

export const MANUAL_REVIEW = 'manual-review';

/** Result codes of a rejected review: this prefix + the reviewer's reason code, e.g. REVIEW.PHOTO_UNREADABLE. */
export const REVIEW_RESULT_PREFIX = 'REVIEW.';
export const reviewRejectedCode = (reasonCode: string) => `${REVIEW_RESULT_PREFIX}${reasonCode || 'OTHER'}`;

/** Seed 002 photo types (t_photo): 0 hand-held ID photo, 1 ID card front. */
export const REVIEW_PHOTO_TYPE = { handHeld: 0, idCardFront: 1 } as const;

/**
 * The photos a submission for review needs, the one place this is decided (the gateway asks for
 * it via GetReviewCase.required_photo_types): the front shows the document, the hand-held photo
 * ties it to the person.
 */
export const REQUIRED_PHOTO_TYPES: readonly number[] = [REVIEW_PHOTO_TYPE.handHeld, REVIEW_PHOTO_TYPE.idCardFront];

/** photo-storage's reference of a subject's photo of one type (as identity-lookup and the gateway keep it). */
export const photoRef = (subjectId: string, photoType: number) => `${subjectId}:${photoType}`;

/** The evidence a review round is decided on: the required photos (the name and ID number are the claim). */
export const reviewEvidence = (subjectId: string) => REQUIRED_PHOTO_TYPES.map((t) => photoRef(subjectId, t));

export interface ManualReviewDeps {
  identities: IdentityRegistry;
}

/**
 * Seed 002's manual review as a verification method. Evidence: the hand-held and ID-front photos
 * plus the submitted name and ID number (the claim). Processing is external: a reviewer decides
 * (src/application/review-verifications.ts records the decision on the verification); the
 * processing loop then finishes it here. An approval is recorded with identity-lookup first, and
 * retried until that succeeds (no give-up: the reviewer's approval stands, only recording it is
 * pending); a rejection fails with REVIEW.<reason code>.
 */
export function manualReviewMethod(deps: ManualReviewDeps): VerificationMethod {
  return {
    name: MANUAL_REVIEW,
    // The submission consumer has identity-lookup validate the number before the case is submitted.
    checksIdNumber: true,
    processing: 'external',

    validateClaim(claim: Claim): Claim {
      const name = claim.name.trim();
      const idNumber = claim.idNumber.trim().toUpperCase();
      if (!name || !idNumber) throw invalidArgument(VERIFICATION_ERROR.claimIncomplete, 'a manual review needs a name and an ID number');
      return { name, idNumber, mobile: '' };
    },

    async process(ctx: ProcessContext): Promise<ProcessResult> {
      const { verification: v, claim, progress } = ctx;
      if (progress.reviewDecision === 'rejected') return { kind: 'complete', outcome: failed(reviewRejectedCode(progress.reviewReasonCode ?? '')) };
      // Not due before a decision is recorded; should it be taken anyway, it simply waits on.
      if (progress.reviewDecision !== 'approved') return { kind: 'retry', reason: 'KYC.REVIEW.NOT_DECIDED' };
      try {
        const recorded = await deps.identities.recordVerifiedIdentity(
          {
            partnerId: v.partnerId,
            subjectId: v.subjectId,
            name: claim.name,
            idNumber: claim.idNumber,
            method: MANUAL_REVIEW,
            verificationId: v.id,
            verifiedAt: progress.reviewDecidedAt ? new Date(progress.reviewDecidedAt) : new Date(),
            cardFrontPhotoId: photoRef(v.subjectId, REVIEW_PHOTO_TYPE.idCardFront),
            // Seed 002 collects no photo of the card's back.
            cardBackPhotoId: '',
          },
          ctx.correlationId,
        );
        // The case itself stays approved: the reviewer's verdict on the evidence is final and
        // audited, and seed 002 has no status for "verified by someone else". The conflict is what
        // the platform concluded as a whole, so it is this verification's result.
        if (recorded.conflict) return { kind: 'complete', outcome: failed(RESULT.identityConflict) };
      } catch (err) {
        return { kind: 'retry', reason: isKycError(err) ? err.code : 'KYC.INTERNAL' };
      }
      return { kind: 'complete', outcome: succeeded() };
    },
  };
}
