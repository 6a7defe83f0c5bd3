/**
 * What the gateway's use cases and contracts need from the rest of the platform. Adapters
 * (gRPC clients, Mongo repositories, the Kafka publisher) implement these; contracts never see
 * a gRPC client, a breaker or a database model.
 */
import { Readable } from 'node:stream';

export interface PartnerView {
  appId: string;
  name: string;
  active: boolean;
  features: string[];
  callbackUrl: string;
}

export interface PartnersPort {
  find(appId: string): Promise<(PartnerView & { secret: () => string }) | undefined>;
  /** The company's registered RSA public key (PEM), for seed 004; undefined if none. */
  publicKeyOf(appId: string): Promise<string | undefined>;
}

export interface SubjectRef {
  subjectId: string;
  uid: number;
  partnerId: string;
}

export interface SubjectsPort {
  /** The subject of a partner's user, created on first sight. */
  subjectFor(partnerId: string, partnerUserId: string): Promise<SubjectRef>;
  /** The subject of a partner's user, without creating one. */
  findSubject(partnerId: string, partnerUserId: string): Promise<SubjectRef | undefined>;
  /** The partner's own user id of a subject (stored sealed), undefined if unknown. */
  partnerUserIdOf(subjectId: string): Promise<string | undefined>;
}

export interface NoncesPort {
  /** Records a nonce; false when it was already used (a replay). */
  claim(appId: string, nonce: string, keepSeconds: number): Promise<boolean>;
}

export type VerificationState = 'started' | 'processing' | 'succeeded' | 'failed';

export interface VerificationView {
  verificationId: string;
  subjectId: string;
  partnerId: string;
  method: string;
  state: VerificationState;
  resultCode: string;
  ticket: string;
  partnerReference: string;
  createdAt: Date;
  updatedAt: Date;
  completedAt?: Date;
}

export interface ClaimView {
  name: string;
  idNumber: string;
  mobile: string;
}

export interface VerificationsPort {
  start(input: {
    subjectId: string;
    partnerId: string;
    method: string;
    claim: ClaimView;
    evidenceIds?: string[];
    partnerReference?: string;
    callbackUrl?: string;
    idempotencyKey?: string;
    correlationId?: string;
  }): Promise<{ verification: VerificationView; created: boolean }>;
  subjectState(subjectId: string, opts?: { method?: string; includeClaim?: boolean }): Promise<{ latest: VerificationView; claim?: ClaimView } | undefined>;
}

export interface VerifiedIdentityView {
  partnerId: string;
  subjectId: string;
  name: string;
  idNumber: string;
  birthDate: string;
  gender: string;
  regionCode: string;
  address: string;
  documentValidFrom: string;
  documentValidTo: string;
  cardFrontPhotoId: string;
  cardBackPhotoId: string;
  method: string;
  verifiedAt?: Date;
}

export interface IdentitiesPort {
  validateIdNumber(idNumber: string, name?: string): Promise<{ valid: boolean; reasonCode: string }>;
  findVerified(query: { partnerId: string; subjectId?: string; idNumber?: string }): Promise<VerifiedIdentityView | undefined>;
}

export interface PhotosPort {
  /** A subject's photo of one type (seed 002 t_photo numbering: 0 hand-held, 1 ID front, 2 ID back): bytes and sniffed content type; undefined when there is none. */
  download(subjectId: string, photoType: number): Promise<{ contentType: string; sizeBytes: number; body: Readable } | undefined>;
}

export interface GatewayPorts {
  partners: PartnersPort;
  subjects: SubjectsPort;
  nonces: NoncesPort;
  verifications: VerificationsPort;
  identities: IdentitiesPort;
  photos: PhotosPort;
}
