import { ServerUnaryCall } from '@grpc/grpc-js';
import { identity } from '@kyc/contracts';
import { Logger } from '@kyc/core';
import { authorizeCaller, ServiceRegistration, unary } from '@kyc/grpc-kit';
import { transferVerifiedRecords } from '../../application/transfer-verified-records';
import { VerifiedIdentities, VerifiedIdentityStore } from '../../application/verified-identities';
import { VerifiedMobiles, VerifiedMobileStore } from '../../application/verified-mobiles';
import { checkName, describeInvalid, parseIdNumber } from '../../domain/id-card';
import { RegionCatalog } from '../../domain/regions';
import { DocumentType, VerifiedIdentity } from '../../domain/verified-identity';

export interface IdentityLookupGrpcDeps {
  identities: VerifiedIdentities;
  mobiles: VerifiedMobiles;
  /** Where records move on a merge (the Mongo repositories). */
  transferStores: { identities: Pick<VerifiedIdentityStore, 'transfer'>; mobiles: Pick<VerifiedMobileStore, 'transfer'> };
  regions: RegionCatalog;
  /** Services allowed to record identities (a subset of the server's allow-list). */
  recordCallers: readonly string[];
  logger: Logger;
}

const SERVICE_PATH = '/kyc.identity.v1.IdentityLookupService';

const DOCUMENT_TYPE_TO_MESSAGE: Record<DocumentType, identity.DocumentType> = {
  'resident-id-card': identity.DocumentType.DOCUMENT_TYPE_RESIDENT_ID_CARD,
  passport: identity.DocumentType.DOCUMENT_TYPE_PASSPORT,
  'roster-member': identity.DocumentType.DOCUMENT_TYPE_ROSTER_MEMBER,
};

/** Unspecified (and unknown values) mean a resident ID card. */
const documentTypeOf = (type: identity.DocumentType): DocumentType =>
  type === identity.DocumentType.DOCUMENT_TYPE_PASSPORT ? 'passport' : type === identity.DocumentType.DOCUMENT_TYPE_ROSTER_MEMBER ? 'roster-member' : 'resident-id-card';

function toMessage(v: VerifiedIdentity): identity.VerifiedIdentity {
  return {
    partnerId: v.partnerId,
    subjectId: v.subjectId,
    name: v.name,
    idNumber: v.idNumber,
    birthDate: v.birthDate,
    gender: v.gender,
    regionCode: v.regionCode,
    address: v.address,
    documentValidFrom: v.documentValidFrom,
    documentValidTo: v.documentValidTo,
    cardFrontPhotoId: v.cardFrontPhotoId,
    cardBackPhotoId: v.cardBackPhotoId,
    method: v.method,
    verificationId: v.verificationId,
    verifiedAt: v.verifiedAt,
    documentType: DOCUMENT_TYPE_TO_MESSAGE[v.documentType],
    nationality: v.nationality,
  };
}

/** gRPC face of identity-lookup; translates requests to domain calls and nothing more. */
export function identityLookupGrpc({ identities, mobiles, transferStores, regions, recordCallers, logger }: IdentityLookupGrpcDeps): ServiceRegistration {
  const mayRecord = new Set(recordCallers);

  // The server's allow-list is per service; recording is narrower: only the service that runs
  // verifications writes the registry (the partner-facing gateway only reads it).
  const authorizeRecord = (call: ServerUnaryCall<unknown, unknown>, rpc: string) => {
    const method = `${SERVICE_PATH}/${rpc}`;
    const decision = authorizeCaller(method, call.getAuthContext().sslPeerCertificate, mayRecord);
    if (decision.allowed) return;
    logger.warn({ caller: decision.caller ?? null, method, code: decision.error.code }, 'grpc call refused');
    throw decision.error;
  };

  const implementation: identity.IdentityLookupServiceServer = {
    validateIdNumber: unary(logger, async (req: identity.ValidateIdNumberRequest) => {
      try {
        if (req.name) checkName(req.name);
        const facts = parseIdNumber(req.idNumber);
        return {
          valid: true,
          reasonCode: '',
          reason: '',
          birthDate: facts.birthDate,
          regionCode: facts.regionCode,
          gender: facts.gender === 'male' ? 'M' : 'F',
          address: regions.addressOf(facts.regionCode),
        };
      } catch (err) {
        const invalid = describeInvalid(err);
        if (!invalid) throw err;
        return { valid: false, reasonCode: invalid.code, reason: invalid.message, birthDate: '', regionCode: '', gender: '', address: '' };
      }
    }),

    recordVerifiedIdentity: unary(logger, async (req: identity.RecordVerifiedIdentityRequest, call) => {
      authorizeRecord(call as ServerUnaryCall<unknown, unknown>, 'RecordVerifiedIdentity');
      const outcome = await identities.record({
        partnerId: req.partnerId,
        subjectId: req.subjectId,
        name: req.name,
        idNumber: req.idNumber,
        documentValidFrom: req.documentValidFrom,
        documentValidTo: req.documentValidTo,
        cardFrontPhotoId: req.cardFrontPhotoId,
        cardBackPhotoId: req.cardBackPhotoId,
        method: req.method,
        verificationId: req.verificationId,
        // A caller that does not say when the verification succeeded means "now".
        verifiedAt: req.verifiedAt ?? new Date(),
        documentType: documentTypeOf(req.documentType),
        birthDate: req.birthDate,
        gender: req.gender,
        nationality: req.nationality,
      });
      return outcome.conflict
        ? { conflict: true, conflictingSubjectId: outcome.conflictingSubjectId, identity: undefined }
        : { conflict: false, conflictingSubjectId: '', identity: toMessage(outcome.identity) };
    }),

    checkIdNumberAvailable: unary(logger, async (req: identity.CheckIdNumberAvailableRequest) =>
      identities.checkIdNumberAvailable(req.partnerId, req.subjectId, req.idNumber),
    ),

    findVerifiedIdentity: unary(logger, async (req: identity.FindVerifiedIdentityRequest) => {
      const found = await identities.find({ partnerId: req.partnerId, subjectId: req.subjectId, idNumber: req.idNumber, documentType: documentTypeOf(req.documentType) });
      return found ? { found: true, identity: toMessage(found) } : { found: false, identity: undefined };
    }),

    recordVerifiedMobile: unary(logger, async (req: identity.RecordVerifiedMobileRequest, call) => {
      authorizeRecord(call as ServerUnaryCall<unknown, unknown>, 'RecordVerifiedMobile');
      const outcome = await mobiles.record({
        partnerId: req.partnerId,
        subjectId: req.subjectId,
        mobile: req.mobile,
        method: req.method,
        verificationId: req.verificationId,
        verifiedAt: req.verifiedAt ?? new Date(),
      });
      return outcome.conflict ? { conflict: true, conflictingSubjectId: outcome.conflictingSubjectId } : { conflict: false, conflictingSubjectId: '' };
    }),

    findVerifiedMobile: unary(logger, async (req: identity.FindVerifiedMobileRequest, call) => {
      // The number in clear goes only to the services that record (to send a MERGE code to it).
      if (req.reveal) authorizeRecord(call as ServerUnaryCall<unknown, unknown>, 'FindVerifiedMobile');
      const found = await mobiles.find({ partnerId: req.partnerId, subjectId: req.subjectId, mobile: req.mobile });
      if (!found) return { found: false, subjectId: '', maskedMobile: '', mobile: '' };
      const mobile = req.reveal ? ((await mobiles.numberOf(req.partnerId, found.subjectId)) ?? '') : '';
      return { found: true, ...found, mobile };
    }),

    transferVerifiedRecords: unary(logger, async (req: identity.TransferVerifiedRecordsRequest, call) => {
      authorizeRecord(call as ServerUnaryCall<unknown, unknown>, 'TransferVerifiedRecords');
      const moved = await transferVerifiedRecords(transferStores, { partnerId: req.partnerId, fromSubjectId: req.fromSubjectId, toSubjectId: req.toSubjectId });
      // Ids only: the audit trail of a merge carries no personal data.
      logger.info({ partnerId: req.partnerId, fromSubjectId: req.fromSubjectId, toSubjectId: req.toSubjectId, ...moved }, 'verified records transferred');
      return moved;
    }),
  };
  return {
    name: 'kyc.identity.v1.IdentityLookupService',
    definition: identity.IdentityLookupServiceService,
    implementation: implementation as never,
  };
}
