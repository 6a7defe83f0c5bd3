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

export interface SessionView {
  subjectId: string;
  uid: number;
  partnerId: string;
  expiresAt: Date;
}

/** Sessions of one subject (seed 002 user_sid and the other dialects' user credentials). */
export interface SessionsPort {
  mint(partnerId: string, partnerUserId: string, ttlSeconds: number): Promise<{ sid: string; session: SessionView }>;
  /** The live session for a credential, or undefined when unknown or expired. */
  resolve(sid: unknown): Promise<SessionView | undefined>;
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
  /** One verification by id; undefined when realname-pattern does not know it. */
  get(verificationId: string): Promise<VerificationView | undefined>;
}

/** Seed 002's manual-review case of a subject, as realname-pattern reports it. */
export interface ReviewCaseView {
  found: boolean;
  caseNumber: number;
  name: string;
  idcardNumber: string;
  /** validate_status numbering: 0 not submitted, 1 pending, 2 approved, 3 rejected. */
  validateStatus: number;
  /** Whether the subject's photos and info may not change now; realname-pattern decides it. */
  evidenceLocked: boolean;
  /** Photo types (t_photo) a submission needs; realname-pattern's manual-review method decides them. */
  requiredPhotoTypes: number[];
}

export interface ReviewCasesPort {
  current(subjectId: string, correlationId?: string): Promise<ReviewCaseView>;
}

/** Identity info a subject submits for manual review; the owner stores it asynchronously. */
export interface SubmissionsPort {
  infoSubmitted(input: { subjectId: string; partnerId: string; name: string; idcardNumber: string; correlationId: string }): Promise<unknown>;
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
  /** Photo types a subject has uploaded, ascending. */
  listTypes(subjectId: string, correlationId?: string): Promise<number[]>;
  /** Deletes a subject's photo of one type; nothing to delete is not an error. */
  remove(subjectId: string, photoType: number, correlationId?: string): Promise<void>;
  /** False while photo-storage is known to be unavailable (its breaker is open): refuse uploads early. */
  acceptingUploads(): boolean;
  /** Opens a streamed upload; write chunks, then end() to get photo-storage's verdict in `stored`. */
  openUpload(input: { subjectId: string; partnerId: string; photoType: number; correlationId: string }): PhotoUpload;
}

/**
 * One photo upload in flight. `stored` settles once: with the photo's number, or with a KycError
 * (KYC.PHOTO.* invalid_argument: image refused; KYC.PHOTO.LOCKED: evidence locked).
 */
export interface PhotoUpload {
  /** False when the caller should wait for onDrain before writing more. */
  write(chunk: Buffer): boolean;
  onDrain(listener: () => void): void;
  end(): void;
  cancel(): void;
  stored: Promise<{ photoNumber: number }>;
}

/** A seed 000 member verification as the gateway keeps it: the partner's references and the sealed member. */
export interface MemberSubmissionView {
  partnerId: string;
  subjectId: string;
  txSeqNo: string;
  /** Fingerprint of what was submitted (blind index), to tell a repeat from a conflicting reuse of tx_seq_no. */
  fingerprint: string;
  member: { id: unknown; name: string; idNumber: string; phone: string };
  notifyUrl: string;
  verificationId: string;
  createdAt: Date;
}

export interface MemberSubmissionsPort {
  /** Fingerprint of a submission's content (keyed, so it reveals nothing of the personal data). */
  fingerprintOf(content: unknown): string;
  /** Records a submission once per (partner, tx_seq_no); `created` false returns the earlier one. */
  record(input: Omit<MemberSubmissionView, 'verificationId' | 'createdAt'>): Promise<{ submission: MemberSubmissionView; created: boolean }>;
  attachVerification(partnerId: string, txSeqNo: string, verificationId: string): Promise<void>;
  /** The subject's most recent submission to the partner, undefined when none. */
  latestOf(partnerId: string, subjectId: string): Promise<MemberSubmissionView | undefined>;
}

export interface GatewayPorts {
  partners: PartnersPort;
  subjects: SubjectsPort;
  nonces: NoncesPort;
  verifications: VerificationsPort;
  identities: IdentitiesPort;
  photos: PhotosPort;
  sessions: SessionsPort;
  reviewCases: ReviewCasesPort;
  submissions: SubmissionsPort;
  memberSubmissions: MemberSubmissionsPort;
}
