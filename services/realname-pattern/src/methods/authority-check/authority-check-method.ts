import { invalidArgument, isKycError } from '@kyc/core';
import { IdentityRegistry } from '../../application/ports';
import { Claim, failed, RESULT, succeeded, VERIFICATION_ERROR } from '../../domain/verification';
import { IdAuthority } from '../../providers/id-authority/id-authority';
import { ProcessContext, ProcessResult, VerificationMethod } from '../method';

export const AUTHORITY_CHECK = 'authority-check';

export interface AuthorityCheckDeps {
  authority: IdAuthority;
  identities: IdentityRegistry;
}

/** Mainland mobile numbers: 11 digits starting with 1. */
const MOBILE = /^1\d{10}$/;

/**
 * Two-element (name + ID number) or, when a mobile number is given, three-element check with the
 * ID authority. On a match the identity is recorded with identity-lookup, which refuses an ID
 * number another subject of the same partner has already verified.
 */
export function authorityCheckMethod(deps: AuthorityCheckDeps): VerificationMethod {
  return {
    name: AUTHORITY_CHECK,
    checksIdNumber: true,
    processing: 'automatic',

    validateClaim(claim: Claim): Claim {
      const name = claim.name.trim();
      const idNumber = claim.idNumber.trim().toUpperCase();
      const mobile = claim.mobile.trim();
      if (!name || !idNumber) throw invalidArgument(VERIFICATION_ERROR.claimIncomplete, 'an authority check needs a name and an ID number');
      if (mobile && !MOBILE.test(mobile)) throw invalidArgument(VERIFICATION_ERROR.invalidMobile, 'the mobile number must be 11 digits starting with 1');
      return { name, idNumber, mobile };
    },

    async process(ctx: ProcessContext): Promise<ProcessResult> {
      const { verification: v, claim } = ctx;
      let providerReference = ctx.progress.providerReference ?? '';
      if (ctx.progress.providerOutcome !== 'match') {
        try {
          const answer = await deps.authority.check({ name: claim.name, idNumber: claim.idNumber, mobile: claim.mobile || undefined });
          providerReference = answer.providerReference;
          if (answer.outcome === 'mismatch') return { kind: 'complete', outcome: failed(RESULT.authorityMismatch, providerReference) };
          if (answer.outcome === 'no-record') return { kind: 'complete', outcome: failed(RESULT.authorityNoRecord, providerReference) };
        } catch (err) {
          return { kind: 'retry', giveUpCode: RESULT.authorityUnavailable, reason: reasonOf(err) };
        }
        // Kept so that a failure of the next step does not ask the authority (a paid call) again.
        await ctx.saveProgress({ providerOutcome: 'match', providerReference });
      }
      try {
        const recorded = await deps.identities.recordVerifiedIdentity(
          {
            partnerId: v.partnerId,
            subjectId: v.subjectId,
            name: claim.name,
            idNumber: claim.idNumber,
            method: AUTHORITY_CHECK,
            verificationId: v.id,
            verifiedAt: new Date(),
          },
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

/** Error codes only: messages of provider errors are not guaranteed free of request data. */
const reasonOf = (err: unknown) => (isKycError(err) ? err.code : 'KYC.INTERNAL');
