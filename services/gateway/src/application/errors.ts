import { KycError } from '@kyc/core';

/**
 * Stable codes of what the gateway's use cases refuse. Each contract's error table maps them (and
 * the KYC.PHOTO.* / KYC.VERIFICATION.* codes of the services behind) to its own status and message.
 */
export const GATEWAY_ERRORS = {
  signatureFieldsMissing: 'KYC.GATEWAY.SIGNATURE_FIELDS_MISSING',
  appIdInvalid: 'KYC.GATEWAY.APP_ID_INVALID',
  timestampStale: 'KYC.GATEWAY.TIMESTAMP_STALE',
  signatureMismatch: 'KYC.GATEWAY.SIGNATURE_MISMATCH',
  nonceReplayed: 'KYC.GATEWAY.NONCE_REPLAYED',
  featureNotGranted: 'KYC.GATEWAY.FEATURE_NOT_GRANTED',
  sessionNotFound: 'KYC.GATEWAY.SESSION_NOT_FOUND',
  evidenceLocked: 'KYC.GATEWAY.EVIDENCE_LOCKED',
  photosMissing: 'KYC.GATEWAY.PHOTOS_MISSING',
  idNumberInvalid: 'KYC.GATEWAY.ID_NUMBER_INVALID',
  memberNotFound: 'KYC.GATEWAY.MEMBER_NOT_FOUND',
  txSeqNoReused: 'KYC.GATEWAY.TX_SEQ_NO_REUSED',
} as const;

export const refused = (code: string, message: string, kind: KycError['kind']) => new KycError(code, message, { kind });
