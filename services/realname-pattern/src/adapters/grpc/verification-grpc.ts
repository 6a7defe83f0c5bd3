import { verification as proto } from '@kyc/contracts';
import { invalidArgument, Logger, notFound } from '@kyc/core';
import { ServiceRegistration, unary } from '@kyc/grpc-kit';
import { VerificationStore } from '../../application/ports';
import { MobileCodes } from '../../application/mobile-codes';
import { StartVerification } from '../../application/start-verification';
import { Claim, isFinal, Verification, VERIFICATION_ERROR } from '../../domain/verification';
import { toProtoState } from '../kafka/verification-events';

const toProto = (v: Verification): proto.Verification => ({
  verificationId: v.id,
  subjectId: v.subjectId,
  partnerId: v.partnerId,
  method: v.method,
  state: toProtoState(v.state),
  resultCode: v.resultCode,
  ticket: v.ticket,
  providerReference: v.providerReference,
  evidenceIds: v.evidenceIds,
  partnerReference: v.partnerReference,
  callbackUrl: v.callbackUrl,
  createdAt: v.createdAt,
  updatedAt: v.updatedAt,
  completedAt: v.completedAt,
});

const toProtoClaim = (c: Claim): proto.Claim => ({ name: c.name, idNumber: c.idNumber, mobile: c.mobile });

const correlationOf = (metadata: { get(key: string): unknown[] }) => String(metadata.get('x-correlation-id')[0] ?? '');

export function verificationGrpc(deps: {
  start: StartVerification;
  store: VerificationStore;
  /** Processes an open verification now, asking its provider (GetSubjectState check_now). */
  checkNow: (verificationId: string) => Promise<void>;
  mobileCodes: Pick<MobileCodes, 'send'>;
  /** Seed 003 MERGE's code, to the holder's verified mobile. */
  sendMergeCode: (input: { partnerId: string; subjectId: string; holderSubjectId: string; correlationId: string }) => Promise<{ expiresInSeconds: number; resendInSeconds: number }>;
  logger: Logger;
}): ServiceRegistration {
  const { start, store, logger } = deps;
  const implementation: proto.VerificationServiceServer = {
    startVerification: unary(logger, async (req: proto.StartVerificationRequest, call) => {
      const { verification, created, methodOutput } = await start.run({
        subjectId: req.subjectId,
        partnerId: req.partnerId,
        method: req.method,
        claim: { name: req.claim?.name ?? '', idNumber: req.claim?.idNumber ?? '', mobile: req.claim?.mobile ?? '' },
        evidenceIds: req.evidenceIds,
        partnerReference: req.partnerReference,
        callbackUrl: req.callbackUrl,
        idempotencyKey: req.idempotencyKey,
        correlationId: req.correlationId || correlationOf(call.metadata),
        methodInput: req.methodInput,
      });
      return { verification: toProto(verification), created, methodOutput };
    }),

    getVerification: unary(logger, async (req: proto.GetVerificationRequest) => {
      if (!req.verificationId && !req.ticket) throw invalidArgument('KYC.REQUEST.VERIFICATION_REQUIRED', 'verification_id or ticket is required');
      const v = req.verificationId ? await store.findById(req.verificationId) : await store.findByTicket(req.ticket);
      if (!v) throw notFound(VERIFICATION_ERROR.notFound, 'no such verification');
      return { verification: toProto(v), claim: req.includeClaim ? toProtoClaim(await store.openClaim(v.id)) : undefined };
    }),

    getSubjectState: unary(logger, async (req: proto.GetSubjectStateRequest) => {
      if (!req.subjectId) throw invalidArgument(VERIFICATION_ERROR.subjectRequired, 'subject_id is required');
      let v = await store.latestForSubject(req.subjectId, req.method || undefined);
      if (v && req.checkNow && !isFinal(v.state)) {
        await deps.checkNow(v.id);
        v = await store.findById(v.id);
      }
      if (!v) return { found: false, latest: undefined, claim: undefined };
      return { found: true, latest: toProto(v), claim: req.includeClaim ? toProtoClaim(await store.openClaim(v.id)) : undefined };
    }),

    sendMobileCode: unary(logger, async (req: proto.SendMobileCodeRequest, call) => {
      if (!req.subjectId) throw invalidArgument(VERIFICATION_ERROR.subjectRequired, 'subject_id is required');
      if (!req.partnerId) throw invalidArgument(VERIFICATION_ERROR.partnerRequired, 'partner_id is required');
      const correlationId = req.correlationId || correlationOf(call.metadata);
      if (req.holderSubjectId) return deps.sendMergeCode({ partnerId: req.partnerId, subjectId: req.subjectId, holderSubjectId: req.holderSubjectId, correlationId });
      return deps.mobileCodes.send({ partnerId: req.partnerId, subjectId: req.subjectId, mobile: req.mobile, correlationId });
    }),
  };
  return {
    name: 'kyc.verification.v1.VerificationService',
    definition: proto.VerificationServiceService,
    implementation: implementation as never,
  };
}
