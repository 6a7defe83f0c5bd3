import { identity } from '@kyc/contracts';
import { ResilientClient } from '@kyc/grpc-kit';
import { IdentityRegistry, VerifiedMobileRegistry } from '../../application/ports';

/** identity-lookup over gRPC, as the IdentityRegistry and VerifiedMobileRegistry ports. */
export function identityRegistryClient(client: ResilientClient<identity.IdentityLookupServiceClient>): IdentityRegistry & VerifiedMobileRegistry {
  return {
    async validateIdNumber(input, correlationId) {
      const res = await client.unary(client.raw.validateIdNumber, { idNumber: input.idNumber, name: input.name }, { correlationId });
      return { valid: res.valid, reasonCode: res.reasonCode };
    },
    async recordVerifiedIdentity(input, correlationId) {
      const res = await client.unary(
        client.raw.recordVerifiedIdentity,
        {
          partnerId: input.partnerId,
          subjectId: input.subjectId,
          name: input.name,
          idNumber: input.idNumber,
          documentValidFrom: input.documentValidFrom ?? '',
          documentValidTo: input.documentValidTo ?? '',
          cardFrontPhotoId: input.cardFrontPhotoId ?? '',
          cardBackPhotoId: input.cardBackPhotoId ?? '',
          method: input.method,
          verificationId: input.verificationId,
          verifiedAt: input.verifiedAt,
          documentType: input.passport
            ? identity.DocumentType.DOCUMENT_TYPE_PASSPORT
            : input.rosterMember
              ? identity.DocumentType.DOCUMENT_TYPE_ROSTER_MEMBER
              : identity.DocumentType.DOCUMENT_TYPE_RESIDENT_ID_CARD,
          birthDate: input.passport?.birthDate ?? '',
          gender: input.passport?.gender ?? '',
          nationality: input.passport?.nationality ?? '',
        },
        { correlationId },
      );
      return { conflict: res.conflict };
    },
    async recordVerifiedMobile(input, correlationId) {
      const res = await client.unary(client.raw.recordVerifiedMobile, input, { correlationId });
      return { conflict: res.conflict };
    },
    async verifiedNumberOf(partnerId, subjectId, correlationId) {
      const res = await client.unary(client.raw.findVerifiedMobile, { partnerId, subjectId, mobile: '', reveal: true }, { correlationId });
      return res.found && res.mobile ? res.mobile : undefined;
    },
    async transferVerifiedRecords(input, correlationId) {
      const res = await client.unary(client.raw.transferVerifiedRecords, input, { correlationId });
      return { identityMoved: res.identityMoved, mobileMoved: res.mobileMoved };
    },
  };
}
