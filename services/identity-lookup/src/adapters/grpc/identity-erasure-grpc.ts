import { identity } from '@kyc/contracts';
import { Logger } from '@kyc/core';
import { ServiceRegistration, unary } from '@kyc/grpc-kit';

export interface IdentityErasureGrpcDeps {
  erasure: { erase(partnerId: string, subjectId: string): Promise<number> };
  /** Services allowed to erase: those allowed to record (a subset of the server's allow-list). */
  allowedCallers: readonly string[];
  logger: Logger;
}

/** gRPC face of a redaction's erasure in identity-lookup (called by realname-pattern). */
export function identityErasureGrpc({ erasure, allowedCallers, logger }: IdentityErasureGrpcDeps): ServiceRegistration {
  const implementation: identity.IdentityErasureServiceServer = {
    eraseSubject: unary(logger, async (req: identity.EraseSubjectRequest) => {
      const erased = await erasure.erase(req.partnerId, req.subjectId);
      // Ids and a count only.
      logger.info({ partnerId: req.partnerId, subjectId: req.subjectId, erased }, 'verified records erased');
      return { erased };
    }),
  };
  return {
    name: 'kyc.identity.v1.IdentityErasureService',
    definition: identity.IdentityErasureServiceService,
    implementation: implementation as never,
    allowedCallers,
  };
}
