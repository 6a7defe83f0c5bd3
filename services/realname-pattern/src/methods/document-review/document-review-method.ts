import { isKycError } from '@kyc/core';
import { IdentityRegistry, ReviewCaseView } from '../../application/ports';
import { manualReviewMethod, photoRef } from '../manual-review/manual-review-method';
import { ProcessContext, ProcessResult, VerificationMethod } from '../method';

export const DOCUMENT_REVIEW = 'document-review';

/** Seed 001's photo types: 0 hand-held, 1 ID card (or passport) front, 2 its back. */
export const DOCUMENT_PHOTO_TYPE = { handHeld: 0, front: 1, back: 2 } as const;

/** The evidence a four-step round is decided on: front, back and hand-held photos (the rest is the claim and the round's details). */
export const documentEvidence = (subjectId: string) =>
  [DOCUMENT_PHOTO_TYPE.front, DOCUMENT_PHOTO_TYPE.back, DOCUMENT_PHOTO_TYPE.handHeld].map((t) => photoRef(subjectId, t));

export interface DocumentReviewDeps {
  identities: IdentityRegistry;
  /** The subject's review case: the approved round's document type and validity dates. */
  reviewCases: { find(subjectId: string): Promise<ReviewCaseView> };
}

/** A YYYY-MM-DD date from the round's details, or empty (long-term validity has no end date). */
const dateField = (details: Record<string, string>, field: string) => (/^\d{4}-\d{2}-\d{2}$/.test(details[field] ?? '') ? details[field] : '');

/** The approved passport data page, from the round's details (gender is written "1 (male)" / "2 (female)"). */
const passportOf = (details: Record<string, string>) => ({
  birthDate: dateField(details, 'birthday'),
  gender: (details.gender ?? '').startsWith('2') ? ('F' as const) : ('M' as const),
  nationality: details.country ?? '',
});

/**
 * Seed 001's four-step submission as a verification method: manual review (a reviewer decides on
 * front, back and hand-held photos plus the submitted information), finished as manual review is
 * (rejected: REVIEW.<reason code>; approved: the identity is recorded, retried until identity-lookup
 * takes it; another subject holding the number: IDENTITY.CONFLICT), with what the four steps add:
 * the document's back photo and the validity dates go into the verified identity. A passport's
 * number encodes nothing, so its record also carries the birth date, gender and nationality the
 * reviewer approved (the round's details).
 */
export function documentReviewMethod(deps: DocumentReviewDeps): VerificationMethod {
  const base = manualReviewMethod(deps);
  return {
    name: DOCUMENT_REVIEW,
    // Whether there is a GB 11643 number to check depends on the document; the gateway checked it.
    checksIdNumber: false,
    processing: 'external',
    validateClaim: base.validateClaim,
    async process(ctx: ProcessContext): Promise<ProcessResult> {
      if (ctx.progress.reviewDecision !== 'approved') return base.process!(ctx);
      let reviewCase: ReviewCaseView;
      try {
        reviewCase = await deps.reviewCases.find(ctx.verification.subjectId);
      } catch (err) {
        return { kind: 'retry', reason: isKycError(err) ? err.code : 'KYC.INTERNAL' };
      }
      const details = reviewCase.extras?.details ?? {};
      const passport = reviewCase.extras?.documentType === 'passport' ? passportOf(details) : undefined;
      const identities: IdentityRegistry = {
        validateIdNumber: (input, correlationId) => deps.identities.validateIdNumber(input, correlationId),
        recordVerifiedIdentity: (input, correlationId) =>
          deps.identities.recordVerifiedIdentity(
            {
              ...input,
              method: DOCUMENT_REVIEW,
              cardBackPhotoId: photoRef(input.subjectId, DOCUMENT_PHOTO_TYPE.back),
              documentValidFrom: dateField(details, 'singnTime'),
              documentValidTo: dateField(details, 'outofTime'),
              passport,
            },
            correlationId,
          ),
      };
      return manualReviewMethod({ identities }).process!(ctx);
    },
  };
}
