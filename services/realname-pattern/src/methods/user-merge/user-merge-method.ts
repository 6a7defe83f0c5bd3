import { failedPrecondition, invalidArgument, isKycError, Logger } from '@kyc/core';
import { MobileCodes } from '../../application/mobile-codes';
import { VerifiedMobileRegistry } from '../../application/ports';
import { failed, RESULT, succeeded, VERIFICATION_ERROR } from '../../domain/verification';
import { BeginContext, BeginResult, ProcessContext, ProcessResult, VerificationMethod } from '../method';

export const USER_MERGE = 'user-merge';

/** The purpose a MERGE code is kept under: it confirms the move from that holder, to this user. */
export const mergeCodePurpose = (holderSubjectId: string) => `merge:${holderSubjectId}`;

export const NO_VERIFIED_MOBILE = 'KYC.MOBILE_CODE.NO_VERIFIED_MOBILE';

const SUBJECT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const CONFIRMED = 'confirmed';

export interface UserMergeDeps {
  mobileCodes: Pick<MobileCodes, 'send' | 'checkPurpose'>;
  mobiles: VerifiedMobileRegistry;
  logger: Logger;
}

/**
 * Sends a MERGE's code to the verified mobile of the user whose information is to move (the
 * number never leaves this service but sealed for the notifier); the code is kept for the
 * asking user under the holder's merge purpose. FAILED_PRECONDITION when the holder has no
 * verified mobile.
 */
export async function sendMergeCode(
  deps: Pick<UserMergeDeps, 'mobileCodes' | 'mobiles'>,
  input: { partnerId: string; subjectId: string; holderSubjectId: string; correlationId: string },
): Promise<{ expiresInSeconds: number; resendInSeconds: number }> {
  if (!SUBJECT_ID.test(input.holderSubjectId) || input.holderSubjectId === input.subjectId) {
    throw invalidArgument(VERIFICATION_ERROR.subjectRequired, 'holder_subject_id must be another subject');
  }
  const number = await deps.mobiles.verifiedNumberOf(input.partnerId, input.holderSubjectId, input.correlationId);
  if (!number) throw failedPrecondition(NO_VERIFIED_MOBILE, 'the holder has no verified mobile');
  return deps.mobileCodes.send({ partnerId: input.partnerId, subjectId: input.subjectId, mobile: number, correlationId: input.correlationId, purpose: mergeCodePurpose(input.holderSubjectId) });
}

/**
 * Seed 003 MERGE: the user (the verification's subject) takes over everything another user of the
 * partner verified (method_input `old_subject_id`), confirmed by the code sent to that user's
 * verified mobile (`code`). `begin` spends the code (MOBILE.* failures as for MOBILE); `process`
 * asks identity-lookup to move the records, each in one conditioned single-document update. It is
 * an automatic method: the lease and the sweep retry `process` until it completes, also after a
 * crash, and a move repeated after it completed moves nothing. Audited with ids only.
 */
export function userMergeMethod(deps: UserMergeDeps): VerificationMethod {
  return {
    name: USER_MERGE,
    checksIdNumber: false,
    processing: 'automatic',
    // A merge claims nothing itself: what moves is what the old user proved.
    validateClaim: () => ({ name: '', idNumber: '', mobile: '' }),

    async begin(ctx: BeginContext): Promise<BeginResult> {
      const oldSubjectId = (ctx.input.old_subject_id ?? '').trim();
      const code = (ctx.input.code ?? '').trim();
      if (!SUBJECT_ID.test(oldSubjectId) || oldSubjectId === ctx.subjectId) throw invalidArgument(VERIFICATION_ERROR.subjectRequired, 'old_subject_id must be another subject');
      if (!/^\d{4,8}$/.test(code)) throw invalidArgument('KYC.VERIFICATION.INVALID_INPUT', 'code must be the digits received by SMS');
      const checked = await deps.mobileCodes.checkPurpose({ partnerId: ctx.partnerId, subjectId: ctx.subjectId, purpose: mergeCodePurpose(oldSubjectId), code });
      if (!checked.ok) return { providerReference: '', output: {}, progress: { providerOutcome: checked.resultCode } };
      return { providerReference: checked.codeId, output: {}, progress: { providerOutcome: CONFIRMED, providerReference: checked.codeId, mergeFromSubjectId: oldSubjectId } };
    },

    async process(ctx: ProcessContext): Promise<ProcessResult> {
      const { verification: v, progress } = ctx;
      if (progress.providerOutcome !== CONFIRMED || !progress.mergeFromSubjectId) return { kind: 'complete', outcome: failed(progress.providerOutcome || RESULT.internal) };
      try {
        const moved = await deps.mobiles.transferVerifiedRecords({ partnerId: v.partnerId, fromSubjectId: progress.mergeFromSubjectId, toSubjectId: v.subjectId }, ctx.correlationId);
        deps.logger.info({ verificationId: v.id, partnerId: v.partnerId, fromSubjectId: progress.mergeFromSubjectId, toSubjectId: v.subjectId, ...moved }, 'users merged');
      } catch (err) {
        // No give-up: the code decided the merge; failing it now could leave it half done.
        return { kind: 'retry', reason: isKycError(err) ? err.code : 'KYC.INTERNAL' };
      }
      return { kind: 'complete', outcome: succeeded(progress.providerReference) };
    },
  };
}
