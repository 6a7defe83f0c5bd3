/**
 * What the gateway's use cases and contracts need from the rest of the platform. Adapters
 * (gRPC clients, Mongo repositories, the Kafka publisher) implement these; contracts never see
 * a gRPC client, a breaker or a database model.
 */
import { Readable } from 'node:stream';
import { RedactionRecord } from '../domain/redaction';

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
  /** A subject's numeric id (seed 003 guid), undefined if unknown. */
  uidOf(subjectId: string): Promise<number | undefined>;
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

/** App access tokens (seed 003's result query): client-credentials style, one partner each, expiring. */
export interface AppTokensPort {
  mint(partnerId: string, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }>;
  /** The partner a live token was minted for, or undefined when unknown or expired. */
  resolve(token: unknown): Promise<{ partnerId: string; expiresAt: Date } | undefined>;
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
  /** The provider's (or the roster's) reference for the check; empty when none. */
  providerReference: string;
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
    /** What the method takes besides the claim (roster methods: outid, customer_code, role, ...). */
    methodInput?: Record<string, string>;
  }): Promise<{ verification: VerificationView; created: boolean; methodOutput: Record<string, string> }>;
  subjectState(subjectId: string, opts?: { method?: string; includeClaim?: boolean }): Promise<{ latest: VerificationView; claim?: ClaimView } | undefined>;
  /** One verification by id; undefined when realname-pattern does not know it. */
  get(verificationId: string): Promise<VerificationView | undefined>;
  /** One verification by its ticket (seed 003 rnAuthTicket), with its claim; undefined when unknown. */
  byTicket(ticket: string): Promise<{ verification: VerificationView; claim: ClaimView } | undefined>;
}

/**
 * Liveness verifications (realname-pattern's liveness method, through the liveness provider): the
 * subject's device runs the camera check with what `start` hands out; the outcome is only ever
 * what realname-pattern asks the provider, never what the device says.
 */
export interface LivenessChecksPort {
  /** Starts one; `output` is what the device's SDK needs (certify_id, verify_token, certify_url, expires_at). */
  start(input: { subjectId: string; partnerId: string; claim: ClaimView; metaInfo?: string; correlationId: string }): Promise<{
    verification: VerificationView;
    output: Record<string, string>;
  }>;
  /** The subject's latest liveness verification, asked of the provider now while it is open; undefined when there is none. */
  latest(subjectId: string, correlationId: string): Promise<VerificationView | undefined>;
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
  infoSubmitted(input: {
    subjectId: string;
    partnerId: string;
    name: string;
    idcardNumber: string;
    correlationId: string;
    /**
     * Seed 001's four-step submissions: the verification method reviewing it ("document-review")
     * and what the reviewer is shown beyond name and number (field name -> value).
     */
    method?: string;
    /** The document shown; a passport's number is not checked against GB 11643. */
    documentType?: 'id-card' | 'passport';
    details?: Record<string, string>;
  }): Promise<unknown>;
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
  /** GB 11643 check (identity-lookup's rules); a valid number's birth date (YYYY-MM-DD) and gender ("M"/"F") come with it. */
  validateIdNumber(idNumber: string, name?: string): Promise<{ valid: boolean; reasonCode: string; birthDate?: string; gender?: string }>;
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
  /** The subject's photos by type, with the object each was bound from (empty when uploaded by type). */
  listPhotos(subjectId: string, correlationId?: string): Promise<{ photoType: number; photoNumber: number; objectKey: string }[]>;
  /** Opens a streamed upload of an object by key (seed 001's OSS-compatible endpoint), judged like a photo. */
  openObjectUpload(input: { subjectId: string; partnerId: string; objectKey: string; correlationId: string }): ObjectUpload;
  /** A subject's object by key, whether unbound or bound to a photo type; undefined when there is none. */
  downloadObject(subjectId: string, objectKey: string, correlationId?: string): Promise<(StoredObjectView & { body: Readable }) | undefined>;
  /**
   * Makes an uploaded object the subject's photo of a type. KycErrors: KYC.PHOTO.NOT_FOUND (no such
   * object), KYC.PHOTO.OBJECT_BOUND (bound to another type), KYC.PHOTO.LOCKED (evidence locked).
   */
  bindObject(input: { subjectId: string; partnerId: string; objectKey: string; photoType: number; correlationId: string }): Promise<{
    photoNumber: number;
    changed: boolean;
  }>;
}

/**
 * One upload in flight. `stored` settles once: with what was stored, or with a KycError
 * (KYC.PHOTO.* invalid_argument: image refused; KYC.PHOTO.LOCKED: evidence locked).
 */
export interface Upload<T> {
  /** False when the caller should wait for onDrain before writing more. */
  write(chunk: Buffer): boolean;
  onDrain(listener: () => void): void;
  end(): void;
  cancel(): void;
  stored: Promise<T>;
}

export type PhotoUpload = Upload<{ photoNumber: number }>;

/** An object as photo-storage keeps it (contents sniffed, never the client's claim). */
export interface StoredObjectView {
  objectKey: string;
  contentType: string;
  sizeBytes: number;
  md5Hex: string;
  storedAt: Date;
  /** The photo type it is bound to, or -1 while unbound. */
  boundPhotoType: number;
}

export type ObjectUpload = Upload<StoredObjectView>;

/**
 * Seed 001's upload credentials (getsts) and links: short-lived STS-style credentials that allow
 * one subject to write and read objects under its own prefix of the platform's OSS-compatible
 * store, and signed URLs that read one object. Computed, not stored.
 */
export interface ObjectStorePort {
  mintCredentials(session: SessionView): UploadCredentials;
  /** A URL that reads one of the subject's objects until it expires. */
  signedUrl(session: SessionView, objectKey: string): string;
  /**
   * The object key an app's reference names: a key ("auth/6/front.jpg") or a URL of this store
   * (with or without the bucket in its path). `foreign` when it lies outside the subject's prefix.
   */
  objectKeyOf(session: SessionView, reference: string): { ok: true; key: string } | { ok: false; reason: 'malformed' | 'foreign' };
}

export interface UploadCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  expiresAt: Date;
  bucket: string;
  /** Keys the credentials may write start with this. */
  prefix: string;
  /** Where OSS clients send requests (the platform's object store). */
  endpoint: string;
  region: string;
  roleArn: string;
  roleSessionName: string;
  /** The RAM-style policy the credentials carry, as JSON text. */
  policy: string;
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

/** What a subject entered in step 1 of seed 001's four-step submission; personal data, sealed at rest. */
export interface AppAuthInfo {
  country: string;
  firstName: string;
  secondName: string;
  idNumber: string;
  /** YYYY-MM-DD */
  birthday: string;
  /** 1 male, 2 female */
  gender: number;
  /** 1 China, 0 elsewhere */
  isChina: number;
  /** 1 resident ID card, 2 passport */
  documentType: number;
  /** Document validity, YYYY-MM-DD; validTo empty when long-term (isAllTime). */
  validFrom: string;
  validTo: string;
  longTerm: boolean;
}

/** Seed 001's step-1 information per subject (the photos of steps 2-4 live in photo-storage). */
export interface AppAuthDraftsPort {
  find(subjectId: string): Promise<{ info: AppAuthInfo; updatedAt: Date } | undefined>;
  save(subjectId: string, partnerId: string, info: AppAuthInfo): Promise<void>;
}

export interface GatewayPorts {
  partners: PartnersPort;
  subjects: SubjectsPort;
  nonces: NoncesPort;
  verifications: VerificationsPort;
  identities: IdentitiesPort;
  photos: PhotosPort;
  sessions: SessionsPort;
  appTokens: AppTokensPort;
  reviewCases: ReviewCasesPort;
  submissions: SubmissionsPort;
  memberSubmissions: MemberSubmissionsPort;
  objectStore: ObjectStorePort;
  appAuthDrafts: AppAuthDraftsPort;
  liveness: LivenessChecksPort;
  /**
   * The same VerificationService for methods whose start waits on an outside provider (seed 003's
   * e-card, WeChat and UnionPay patterns): a longer deadline and a breaker of their own. Absent:
   * `verifications` serves them.
   */
  providerVerifications?: VerificationsPort;
  /** One-time codes by SMS for the mobile-code method (seed 003 MOBILE); absent: MOBILE is not offered. */
  mobileCodes?: MobileCodesPort;
  /** Seed 003's user merge (409 then MERGE); absent: information held by another user answers 410. */
  userMerges?: UserMergesPort;
  /** Partner redactions of their users' data; absent: not offered. */
  redactions?: PartnerRedactionsPort;
}

/** Where redactions are kept (the gateway's Mongo repository): the request survives a crash through its outbox. */
export interface PartnerRedactionsPort {
  /**
   * Records the redaction of a subject and queues SubjectRedactionRequested with it, in one write.
   * One redaction per subject: a repeat answers the first (created=false).
   */
  request(input: { partnerId: string; partnerUserId: string; subjectId: string }): Promise<{ record: RedactionRecord; created: boolean }>;
  /** The latest redaction of a partner's user (found after the subject itself is erased). */
  latestOfUser(partnerId: string, partnerUserId: string): Promise<RedactionRecord | undefined>;
  find(redactionId: string): Promise<RedactionRecord | undefined>;
}

/** The 409 attempt kept for the MERGE that follows it: ids and a keyed fingerprint, no personal data in clear. */
export interface MergeAttempt {
  partnerId: string;
  /** The user who was answered 409 (who may merge). */
  subjectId: string;
  /** The user holding what the attempt proved (whose information moves). */
  holderSubjectId: string;
  /** The seed 003 pattern of the attempt. */
  pattern: string;
  /** The attempt's `data` exactly as sent (only its keyed fingerprint is kept). */
  authInfo: unknown;
  expiresAt: Date;
}

/**
 * Who holds what a verification proved (identity-lookup's verified ID numbers and mobiles), and the
 * 409 attempts kept for the MERGE that follows.
 */
export interface UserMergesPort {
  /** The other subject of the partner holding a verified ID number or mobile (whichever is given), undefined when none. */
  /** Who else holds what a verification proved: its ID number, else its mobile, else its roster member id. */
  holderOf(partnerId: string, subjectId: string, proved: { idNumber: string; mobile: string; memberId?: string }): Promise<string | undefined>;
  /** A subject's verified mobile, masked ("180******11"); undefined when it has none. */
  maskedMobileOf(partnerId: string, subjectId: string): Promise<string | undefined>;
  /** Keeps the attempt that answered 409, replacing the subject's previous one, until it expires. */
  keepAttempt(attempt: MergeAttempt): Promise<void>;
  /**
   * The subject's live 409 attempt: its holder, whether `authInfo` (when given) is the attempt's
   * own (same fingerprint), and the ticket of the merge started from it, if one was.
   */
  findAttempt(partnerId: string, subjectId: string, authInfo?: unknown): Promise<{ holderSubjectId: string; authInfoMatches: boolean; mergeTicket?: string } | undefined>;
  /** Records the merge verification started from the subject's attempt (so a replay answers it). */
  recordMerge(partnerId: string, subjectId: string, ticket: string): Promise<void>;
}

/**
 * realname-pattern's one-time codes: it validates the number, applies the rate limits and keeps
 * the code; the notifier sends it. RESOURCE_EXHAUSTED KYC.MOBILE_CODE.RATE_LIMITED, INVALID_ARGUMENT
 * KYC.MOBILE_CODE.INVALID_MOBILE.
 */
export interface MobileCodesPort {
  /**
   * With `holderSubjectId` (seed 003 MERGE) the code goes to that subject's verified mobile instead
   * of `mobile` (FAILED_PRECONDITION KYC.MOBILE_CODE.NO_VERIFIED_MOBILE when it has none).
   */
  send(input: { partnerId: string; subjectId: string; mobile: string; holderSubjectId?: string; correlationId: string }): Promise<{ expiresInSeconds: number; resendInSeconds: number }>;
}
