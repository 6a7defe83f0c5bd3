import { Readable } from 'node:stream';
import { ServiceError } from '@grpc/grpc-js';
import { photo, review, verification } from '@kyc/contracts';
import { notFound } from '@kyc/core';
import { asKycError, correlationMetadata, fromServiceError } from '@kyc/grpc-kit';
import {
  IdentitiesPort,
  PhotosPort,
  PhotoUpload,
  ReviewCasesPort,
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
    createdAt: v.createdAt ?? new Date(0),
    updatedAt: v.updatedAt ?? v.createdAt ?? new Date(0),
    completedAt: v.completedAt,
  };
}

export function grpcVerificationsPort(clients: Pick<DownstreamClients, 'verifications'>): VerificationsPort {
  const c = clients.verifications;
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
        },
        { correlationId: input.correlationId },
      );
      if (!res.verification) throw new Error('StartVerification answered without a verification');
      return { verification: verificationView(res.verification), created: res.created };
    },
    async subjectState(subjectId, opts = {}) {
      const res = await c.unary(c.raw.getSubjectState, { subjectId, method: opts.method ?? '', includeClaim: opts.includeClaim ?? false });
      if (!res.found || !res.latest) return undefined;
      return { latest: verificationView(res.latest), claim: res.claim };
    },
    async get(verificationId) {
      try {
        const res = await c.unary(c.raw.getVerification, { verificationId, includeClaim: false });
        return res.verification ? verificationView(res.verification) : undefined;
      } catch (err) {
        if (asKycError(err, 'realname-pattern').kind === 'not_found') return undefined;
        throw err;
      }
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
      return { valid: res.valid, reasonCode: res.reasonCode };
    },
    async findVerified(query) {
      const res = await c.unary(c.raw.findVerifiedIdentity, { partnerId: query.partnerId, subjectId: query.subjectId ?? '', idNumber: query.idNumber ?? '' });
      if (!res.found || !res.identity) return undefined;
      // The view leaves out the verification id: contracts answer with the identity, not its provenance.
      const identity: Partial<typeof res.identity> = { ...res.identity };
      delete identity.verificationId;
      return identity as VerifiedIdentityView;
    },
  };
}

/** Photos over photo-storage's streams; transfers are bounded by `transferDeadlineMs`. */
export function grpcPhotosPort(clients: Pick<DownstreamClients, 'photoStorage'>, transferDeadlineMs: number): PhotosPort {
  const c = clients.photoStorage;
  const deadline = () => Date.now() + transferDeadlineMs;
  return {
    async listTypes(subjectId, correlationId) {
      const res = await c.unary(c.raw.listPhotos, { subjectId }, { correlationId });
      return res.photos.map((p) => p.photoType).sort((a, b) => a - b);
    },
    async remove(subjectId, photoType, correlationId) {
      await c.unary(c.raw.deletePhoto, { subjectId, photoType }, { correlationId });
    },
    acceptingUploads: () => !c.breaker.opened,

    openUpload(input): PhotoUpload {
      let settle!: { resolve: (v: { photoNumber: number }) => void; reject: (e: unknown) => void };
      const stored = new Promise<{ photoNumber: number }>((resolve, reject) => (settle = { resolve, reject }));
      // Callers may cancel without awaiting the verdict; a rejection then has no one to tell.
      stored.catch(() => undefined);
      let finished = false;
      const call = c.raw.uploadPhoto(correlationMetadata(input.correlationId), { deadline: deadline() }, (err, reply) => {
        finished = true;
        if (err) return settle.reject(fromServiceError(err as ServiceError, 'photo-storage'));
        settle.resolve({ photoNumber: Number(reply.photo?.photoNumber ?? 0) });
      });
      call.write({ metadata: { subjectId: input.subjectId, partnerId: input.partnerId, photoType: input.photoType, correlationId: input.correlationId } });
      return {
        write: (chunk) => call.write({ chunk }),
        onDrain: (listener) => void call.once('drain', listener),
        end: () => call.end(),
        cancel: () => {
          if (!finished) call.cancel();
        },
        stored,
      };
    },

    async download(subjectId, photoType) {
      const call = c.raw.downloadPhoto({ subjectId, photoType }, correlationMetadata(), { deadline: deadline() });
      const messages = (call as AsyncIterable<photo.DownloadPhotoResponse>)[Symbol.asyncIterator]();
      let first: IteratorResult<photo.DownloadPhotoResponse>;
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
      return { contentType: meta.contentType || 'application/octet-stream', sizeBytes: Number(meta.sizeBytes), body: Readable.from(chunks(), { objectMode: false }) };
    },
  };
}
