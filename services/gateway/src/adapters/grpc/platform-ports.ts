import { Readable } from 'node:stream';
import { ClientReadableStream, ClientWritableStream, ServiceError } from '@grpc/grpc-js';
import { identity, photo, review, verification } from '@kyc/contracts';
import { notFound } from '@kyc/core';
import { asKycError, correlationMetadata, fromServiceError } from '@kyc/grpc-kit';
import {
  IdentitiesPort,
  LivenessChecksPort,
  MobileCodesPort,
  PhotosPort,
  ReviewCasesPort,
  StoredObjectView,
  Upload,
  UserMergesPort,
  VerificationState,
  VerificationsPort,
  VerificationView,
  VerifiedIdentityView,
} from '../../application/ports';
import { DownstreamClients } from './downstream-clients';

/**
 * The application's ports over the gateway's gRPC clients: the only place that sees generated
 * clients, breakers and gRPC errors (all surface as KycErrors with the callee's stable codes).
 */

const STATES: Record<number, VerificationState> = {
  [verification.VerificationState.VERIFICATION_STATE_STARTED]: 'started',
  [verification.VerificationState.VERIFICATION_STATE_PROCESSING]: 'processing',
  [verification.VerificationState.VERIFICATION_STATE_SUCCEEDED]: 'succeeded',
  [verification.VerificationState.VERIFICATION_STATE_FAILED]: 'failed',
};

function verificationView(v: verification.Verification): VerificationView {
  return {
    verificationId: v.verificationId,
    subjectId: v.subjectId,
    partnerId: v.partnerId,
    method: v.method,
    // An unknown (newer) state is not final: report it as in progress.
    state: STATES[v.state] ?? 'processing',
    resultCode: v.resultCode,
    ticket: v.ticket,
    partnerReference: v.partnerReference,
    providerReference: v.providerReference,
    createdAt: v.createdAt ?? new Date(0),
    updatedAt: v.updatedAt ?? v.createdAt ?? new Date(0),
    completedAt: v.completedAt,
  };
}

/** realname-pattern's SendMobileCode (seed 003 MOBILE), on the verifications client. */
export function grpcMobileCodesPort(clients: Pick<DownstreamClients, 'verifications'>): MobileCodesPort {
  const c = clients.verifications;
  return {
    send: (input) => c.unary(c.raw.sendMobileCode, { ...input, holderSubjectId: input.holderSubjectId ?? '' }, { correlationId: input.correlationId }),
  };
}

export function grpcVerificationsPort(clients: Pick<DownstreamClients, 'verifications'>): VerificationsPort {
  const c = clients.verifications;
  /** NOT_FOUND is an answer (undefined), not an error. */
  const find = async (req: verification.GetVerificationRequest) => {
    try {
      return await c.unary(c.raw.getVerification, req);
    } catch (err) {
      if (asKycError(err, 'realname-pattern').kind === 'not_found') return undefined;
      throw err;
    }
  };
  return {
    async start(input) {
      const res = await c.unary(
        c.raw.startVerification,
        {
          subjectId: input.subjectId,
          partnerId: input.partnerId,
          method: input.method,
          claim: { name: input.claim.name, idNumber: input.claim.idNumber, mobile: input.claim.mobile },
          evidenceIds: input.evidenceIds ?? [],
          partnerReference: input.partnerReference ?? '',
          callbackUrl: input.callbackUrl ?? '',
          idempotencyKey: input.idempotencyKey ?? '',
          correlationId: input.correlationId ?? '',
          methodInput: input.methodInput ?? {},
        },
        { correlationId: input.correlationId },
      );
      if (!res.verification) throw new Error('StartVerification answered without a verification');
      return { verification: verificationView(res.verification), created: res.created, methodOutput: res.methodOutput };
    },
    async subjectState(subjectId, opts = {}) {
      const res = await c.unary(c.raw.getSubjectState, { subjectId, method: opts.method ?? '', includeClaim: opts.includeClaim ?? false, checkNow: false });
      if (!res.found || !res.latest) return undefined;
      return { latest: verificationView(res.latest), claim: res.claim };
    },
    async get(verificationId) {
      const res = await find({ verificationId, includeClaim: false, ticket: '' });
      return res?.verification ? verificationView(res.verification) : undefined;
    },
    async byTicket(ticket) {
      const res = await find({ verificationId: '', includeClaim: true, ticket });
      if (!res?.verification) return undefined;
      return { verification: verificationView(res.verification), claim: res.claim ?? { name: '', idNumber: '', mobile: '' } };
    },
  };
}

const LIVENESS_METHOD = 'liveness';

export function grpcLivenessPort(clients: Pick<DownstreamClients, 'liveness'>): LivenessChecksPort {
  const c = clients.liveness;
  // The same VerificationService calls as every method's, on the liveness client (its own deadline and breaker).
  const verifications = grpcVerificationsPort({ verifications: c });
  return {
    async start(input) {
      const { verification, methodOutput } = await verifications.start({
        subjectId: input.subjectId,
        partnerId: input.partnerId,
        method: LIVENESS_METHOD,
        claim: { name: input.claim.name, idNumber: input.claim.idNumber, mobile: '' },
        methodInput: input.metaInfo ? { meta_info: input.metaInfo } : {},
        correlationId: input.correlationId,
      });
      return { verification, output: methodOutput };
    },
    async latest(subjectId, correlationId) {
      const state = await c.unary(c.raw.getSubjectState, { subjectId, method: LIVENESS_METHOD, includeClaim: false, checkNow: true }, { correlationId });
      return state.found && state.latest ? verificationView(state.latest) : undefined;
    },
  };
}

export function grpcReviewCasesPort(clients: Pick<DownstreamClients, 'realnamePattern'>): ReviewCasesPort {
  const c = clients.realnamePattern;
  return {
    async current(subjectId, correlationId) {
      const res = await c.unary(c.raw.getReviewCase, { subjectId }, { correlationId });
      const submitted = res.found && res.status !== review.ReviewStatus.REVIEW_STATUS_UNSPECIFIED;
      return {
        found: res.found,
        caseNumber: Number(res.caseNumber),
        name: submitted ? res.name : '',
        idcardNumber: submitted ? res.idcardNumber : '',
        validateStatus: submitted ? res.status : 0,
        evidenceLocked: res.evidenceLocked,
        requiredPhotoTypes: res.requiredPhotoTypes,
      };
    },
  };
}

export function grpcIdentitiesPort(clients: Pick<DownstreamClients, 'identityLookup'>): IdentitiesPort {
  const c = clients.identityLookup;
  return {
    async validateIdNumber(idNumber, name) {
      const res = await c.unary(c.raw.validateIdNumber, { idNumber, name: name ?? '' });
      return { valid: res.valid, reasonCode: res.reasonCode, birthDate: res.birthDate, gender: res.gender };
    },
    async findVerified(query) {
      const res = await c.unary(c.raw.findVerifiedIdentity, {
        partnerId: query.partnerId,
        subjectId: query.subjectId ?? '',
        idNumber: query.idNumber ?? '',
        documentType: identity.DocumentType.DOCUMENT_TYPE_UNSPECIFIED,
      });
      // A roster membership is no identity document: the contracts that show identities show none.
      if (!res.found || !res.identity || res.identity.documentType === identity.DocumentType.DOCUMENT_TYPE_ROSTER_MEMBER) return undefined;
      // The view leaves out the verification id: contracts answer with the identity, not its provenance.
      const view: Partial<typeof res.identity> = { ...res.identity };
      delete view.verificationId;
      return view as VerifiedIdentityView;
    },
  };
}

/** Who holds a verified ID number or mobile within a partner, and a holder's masked mobile (identity-lookup). */
export function grpcVerifiedHoldersPort(clients: Pick<DownstreamClients, 'identityLookup'>): Pick<UserMergesPort, 'holderOf' | 'maskedMobileOf'> {
  const c = clients.identityLookup;
  return {
    async holderOf(partnerId, subjectId, proved) {
      if (proved.idNumber) {
        const res = await c.unary(c.raw.checkIdNumberAvailable, { partnerId, subjectId, idNumber: proved.idNumber });
        return res.available ? undefined : res.conflictingSubjectId;
      }
      if (proved.mobile) {
        const res = await c.unary(c.raw.findVerifiedMobile, { partnerId, subjectId: '', mobile: proved.mobile, reveal: false });
        return res.found && res.subjectId !== subjectId ? res.subjectId : undefined;
      }
      if (!proved.memberId) return undefined;
      const res = await c.unary(c.raw.findVerifiedIdentity, {
        partnerId,
        subjectId: '',
        idNumber: proved.memberId,
        documentType: identity.DocumentType.DOCUMENT_TYPE_ROSTER_MEMBER,
      });
      return res.found && res.identity && res.identity.subjectId !== subjectId ? res.identity.subjectId : undefined;
    },
    async maskedMobileOf(partnerId, subjectId) {
      const res = await c.unary(c.raw.findVerifiedMobile, { partnerId, subjectId, mobile: '', reveal: false });
      return res.found ? res.maskedMobile : undefined;
    },
  };
}

/**
 * An upload over a photo-storage client stream: the metadata message first, then one message per
 * chunk; `stored` settles with the service's answer.
 */
function openStreamedUpload<Req, Res, T>(
  start: (callback: (err: ServiceError | null, reply: Res) => void) => ClientWritableStream<Req>,
  metadata: Req,
  chunkMessage: (chunk: Buffer) => Req,
  result: (reply: Res) => T,
): Upload<T> {
  let settle!: { resolve: (v: T) => void; reject: (e: unknown) => void };
  const stored = new Promise<T>((resolve, reject) => (settle = { resolve, reject }));
  // Callers may cancel without awaiting the verdict; a rejection then has no one to tell.
  stored.catch(() => undefined);
  let finished = false;
  const call = start((err, reply) => {
    finished = true;
    if (err) return settle.reject(fromServiceError(err, 'photo-storage'));
    settle.resolve(result(reply));
  });
  call.write(metadata);
  return {
    write: (chunk) => call.write(chunkMessage(chunk)),
    onDrain: (listener) => void call.once('drain', listener),
    end: () => call.end(),
    cancel: () => {
      if (!finished) call.cancel();
    },
    stored,
  };
}

/**
 * A photo-storage server stream whose first message is the metadata: the metadata once it came,
 * then the chunks as a byte stream (cancelled upstream when the reader stops early); undefined when
 * photo-storage has nothing of that name.
 */
async function openStreamedDownload<M>(
  call: ClientReadableStream<{ metadata?: M; chunk?: Uint8Array }>,
): Promise<{ meta: M; body: Readable } | undefined> {
  const messages = (call as AsyncIterable<{ metadata?: M; chunk?: Uint8Array }>)[Symbol.asyncIterator]();
  let first: IteratorResult<{ metadata?: M; chunk?: Uint8Array }>;
  try {
    first = await messages.next();
  } catch (err) {
    const mapped = asKycError(err, 'photo-storage');
    if (mapped.code === 'KYC.PHOTO.NOT_FOUND') return undefined;
    throw mapped;
  }
  if (first.done) return undefined;
  const meta = first.value.metadata;
  if (!meta) throw notFound('KYC.PHOTO.NOT_FOUND', 'photo stream did not start with its metadata');
  async function* chunks() {
    try {
      for (let next = await messages.next(); !next.done; next = await messages.next()) {
        if (next.value.chunk && next.value.chunk.length > 0) yield Buffer.from(next.value.chunk);
      }
    } catch (err) {
      throw asKycError(err, 'photo-storage');
    } finally {
      // A reader that stops early (client gone) cancels the stream upstream.
      call.cancel();
    }
  }
  return { meta, body: Readable.from(chunks(), { objectMode: false }) };
}

const objectView = (o: photo.ObjectSummary | undefined): StoredObjectView => ({
  objectKey: o?.objectKey ?? '',
  contentType: o?.contentType || 'application/octet-stream',
  sizeBytes: Number(o?.sizeBytes ?? 0),
  md5Hex: o?.md5Hex ?? '',
  storedAt: o?.storedAt ?? new Date(0),
  boundPhotoType: o?.boundPhotoType ?? -1,
});

/** Photos over photo-storage's streams; transfers are bounded by `transferDeadlineMs`. */
export function grpcPhotosPort(clients: Pick<DownstreamClients, 'photoStorage'>, transferDeadlineMs: number): PhotosPort {
  const c = clients.photoStorage;
  const deadline = () => Date.now() + transferDeadlineMs;
  return {
    async listTypes(subjectId, correlationId) {
      const res = await c.unary(c.raw.listPhotos, { subjectId }, { correlationId });
      return res.photos.map((p) => p.photoType).sort((a, b) => a - b);
    },
    async listPhotos(subjectId, correlationId) {
      const res = await c.unary(c.raw.listPhotos, { subjectId }, { correlationId });
      return res.photos.map((p) => ({ photoType: p.photoType, photoNumber: Number(p.photoNumber), objectKey: p.objectKey })).sort((a, b) => a.photoType - b.photoType);
    },
    async remove(subjectId, photoType, correlationId) {
      await c.unary(c.raw.deletePhoto, { subjectId, photoType }, { correlationId });
    },
    acceptingUploads: () => !c.breaker.opened,

    openUpload: (input) =>
      openStreamedUpload(
        (cb) => c.raw.uploadPhoto(correlationMetadata(input.correlationId), { deadline: deadline() }, cb),
        { metadata: { subjectId: input.subjectId, partnerId: input.partnerId, photoType: input.photoType, correlationId: input.correlationId } },
        (chunk) => ({ chunk }),
        (reply: photo.UploadPhotoResponse) => ({ photoNumber: Number(reply.photo?.photoNumber ?? 0) }),
      ),

    openObjectUpload: (input) =>
      openStreamedUpload(
        (cb) => c.raw.uploadObject(correlationMetadata(input.correlationId), { deadline: deadline() }, cb),
        { metadata: { subjectId: input.subjectId, partnerId: input.partnerId, objectKey: input.objectKey, correlationId: input.correlationId } },
        (chunk) => ({ chunk }),
        (reply: photo.UploadObjectResponse) => objectView(reply.object),
      ),

    async download(subjectId, photoType) {
      const opened = await openStreamedDownload(c.raw.downloadPhoto({ subjectId, photoType }, correlationMetadata(), { deadline: deadline() }));
      if (!opened) return undefined;
      return { contentType: opened.meta.contentType || 'application/octet-stream', sizeBytes: Number(opened.meta.sizeBytes), body: opened.body };
    },

    async downloadObject(subjectId, objectKey, correlationId) {
      const opened = await openStreamedDownload(c.raw.downloadObject({ subjectId, objectKey }, correlationMetadata(correlationId), { deadline: deadline() }));
      return opened && { ...objectView(opened.meta), body: opened.body };
    },

    async bindObject(input) {
      const res = await c.unary(
        c.raw.bindObject,
        { subjectId: input.subjectId, partnerId: input.partnerId, objectKey: input.objectKey, photoType: input.photoType, correlationId: input.correlationId },
        { correlationId: input.correlationId },
      );
      return { photoNumber: Number(res.photo?.photoNumber ?? 0), changed: res.changed };
    },
  };
}
