import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { sendUnaryData, ServerReadableStream, ServerWritableStream } from '@grpc/grpc-js';
import { photo } from '@kyc/contracts';
import { invalidArgument, isKycError, KycError, Logger, notFound } from '@kyc/core';
import { ServiceRegistration, toServiceError, unary } from '@kyc/grpc-kit';
import { ImageInspector, ImageLimits, InspectedImage, isPhotoRejection } from '../../domain/image-inspector';
import { badObjectKey, badPhotoType, isObjectKey, isPhotoType, PHOTO_LOCKED, PHOTO_NOT_FOUND, photoLocked } from '../../domain/photo-rules';
import { UploadMetrics, UploadOutcome } from '../metrics/upload-metrics';
import { PhotoRepository, StoredBlob } from '../mongo/photo-repository';

export interface PhotoStorageGrpcDeps {
  photos: PhotoRepository;
  limits: ImageLimits;
  metrics: UploadMetrics;
  logger: Logger;
}

const requireSubject = (subjectId: string) => {
  if (!subjectId) throw invalidArgument('KYC.REQUEST.SUBJECT_REQUIRED', 'subject_id is required');
};
const requirePhotoType = (photoType: number) => {
  if (!isPhotoType(photoType)) throw badPhotoType();
};
const requireObjectKey = (key: string) => {
  if (!isObjectKey(key)) throw badObjectKey();
};
const requirePartner = (partnerId: string) => {
  if (!partnerId) throw invalidArgument('KYC.REQUEST.PARTNER_REQUIRED', 'partner_id is required');
};

const cancelledError = () => new KycError('KYC.PHOTO.UPLOAD_CANCELLED', 'the caller cancelled the upload', { kind: 'invalid_argument' });

function outcomeOf(err: unknown): UploadOutcome {
  if (!isKycError(err)) return 'error';
  if (err.code === PHOTO_LOCKED) return 'locked';
  if (err.code === 'KYC.PHOTO.UPLOAD_CANCELLED') return 'cancelled';
  if (isPhotoRejection(err.code)) return err.code.slice('KYC.PHOTO.'.length).toLowerCase() as UploadOutcome;
  return err.kind === 'invalid_argument' ? 'invalid_request' : 'error';
}

/**
 * gRPC face of photo-storage. Handlers translate between the wire and the repository; the rules
 * (what is an acceptable image, when photos lock) live in domain/.
 */
export function photoStorageGrpc(deps: PhotoStorageGrpcDeps): ServiceRegistration {
  const { photos, logger } = deps;

  /**
   * Client streams (UploadPhoto, UploadObject): metadata first, then chunks. Each chunk is
   * inspected as it arrives and passed on to encryption and the blob store with backpressure
   * (grpc-js reads the next message only when the pipeline asks), so memory stays bounded whatever
   * the image size. A refusal ends the call at once, so the caller can stop sending; the commit
   * happens only after the caller half-closed the stream and the inspection accepted the whole image.
   */
  function receiveUpload<Req extends { chunk?: Buffer | undefined }, Meta, Res>(
    call: ServerReadableStream<Req, Res>,
    callback: sendUnaryData<Res>,
    spec: {
      /** Checks the first message; refuses before a single image byte is read. */
      begin(first: Req | undefined): Promise<Meta>;
      write(meta: Meta, bytes: AsyncIterable<Buffer>): Promise<StoredBlob>;
      commit(meta: Meta, blob: StoredBlob, verdict: InspectedImage, md5Hex: string): Promise<Res>;
      stored(res: Res): Record<string, unknown>;
    },
  ) {
    const started = process.hrtime.bigint();
    let inspector: ImageInspector | undefined;
    let answered = false;
    const answer = (err: unknown, res?: Res) => {
      if (answered) return;
      answered = true;
      const outcome = err ? outcomeOf(err) : 'stored';
      deps.metrics.observe(outcome, inspector?.bytesSeen ?? 0, Number(process.hrtime.bigint() - started) / 1e9);
      if (err) {
        inspector?.abort();
        if (outcome === 'error') logger.error({ err: (err as Error).message }, 'photo upload failed');
        else logger.info({ outcome }, 'photo upload refused');
        // Stop reading: any chunks still in flight are dropped by grpc-js once the status is sent.
        call.destroy();
        callback(toServiceError(err) as never, null);
      } else {
        logger.info({ outcome, ...spec.stored(res!), bytes: inspector?.bytesSeen }, 'photo stored');
        callback(null, res!);
      }
    };

    const run = async (): Promise<Res> => {
      const messages = call[Symbol.asyncIterator]() as AsyncIterator<Req>;
      const first = await messages.next();
      const meta = await spec.begin(first.done ? undefined : first.value);
      const inspection = new ImageInspector(deps.limits);
      inspector = inspection;
      const md5 = createHash('md5');
      let verdict: InspectedImage | undefined;
      async function* imageBytes(): AsyncGenerator<Buffer> {
        for (;;) {
          const next = await messages.next();
          if (next.done) break;
          const chunk = next.value.chunk;
          if (!chunk) throw invalidArgument('KYC.REQUEST.CHUNK_EXPECTED', 'only the first message may carry metadata');
          inspection.write(chunk); // throws KYC.PHOTO.* as soon as the bytes are unacceptable
          md5.update(chunk);
          yield chunk;
        }
        if (call.cancelled) throw cancelledError();
        verdict = await inspection.end();
      }
      const blob = await spec.write(meta, imageBytes());
      if (call.cancelled || !verdict) {
        photos.discardBlob(blob.fileId, blob.chunks);
        throw cancelledError();
      }
      return spec.commit(meta, blob, verdict, md5.digest('hex'));
    };

    call.once('cancelled', () => answer(cancelledError()));
    run().then(
      (res) => answer(null, res),
      (err: unknown) => {
        // A stream torn down by a cancel surfaces as "premature close": report it as the cancel it is.
        answer(call.cancelled ? cancelledError() : err);
      },
    );
  }

  /**
   * The metadata of an upload's first message, checked (subject, partner and `check`), and the
   * lock: refused before a single image byte is read; the commit re-checks atomically.
   */
  async function uploadMetadata<M extends { subjectId: string; partnerId: string }>(first: { metadata?: M } | undefined, check: (meta: M) => void): Promise<M> {
    const meta = first?.metadata;
    if (!meta) throw invalidArgument('KYC.REQUEST.METADATA_FIRST', 'the first message must carry the metadata');
    requireSubject(meta.subjectId);
    check(meta);
    requirePartner(meta.partnerId);
    if (await photos.isLocked(meta.subjectId)) throw photoLocked();
    return meta;
  }

  const uploadPhoto = (call: ServerReadableStream<photo.UploadPhotoRequest, photo.UploadPhotoResponse>, callback: sendUnaryData<photo.UploadPhotoResponse>) =>
    receiveUpload(call, callback, {
      begin: (first) => uploadMetadata(first, (meta) => requirePhotoType(meta.photoType)),
      write: (meta, bytes) => photos.writeBlob(meta.subjectId, meta.photoType, bytes),
      commit: async (meta, blob, facts) => ({
        photo: await photos.commit({ subjectId: meta.subjectId, partnerId: meta.partnerId, photoType: meta.photoType, blob, facts, correlationId: meta.correlationId }),
      }),
      stored: (res) => ({ photoNumber: res.photo?.photoNumber }),
    });

  const uploadObject = (call: ServerReadableStream<photo.UploadObjectRequest, photo.UploadObjectResponse>, callback: sendUnaryData<photo.UploadObjectResponse>) =>
    receiveUpload(call, callback, {
      begin: (first) => uploadMetadata(first, (meta) => requireObjectKey(meta.objectKey)),
      write: (meta, bytes) => photos.writeObjectBlob(meta.subjectId, bytes),
      commit: async (meta, blob, facts, md5Hex) => ({
        object: await photos.commitObject({ subjectId: meta.subjectId, partnerId: meta.partnerId, key: meta.objectKey, blob, facts, md5Hex }),
      }),
      stored: () => ({ object: true }),
    });

  /** Server streams (DownloadPhoto, DownloadObject): the summary first, then the decrypted bytes with backpressure. */
  async function sendStored<M>(
    call: ServerWritableStream<unknown, { metadata?: M; chunk?: Buffer }>,
    open: () => Promise<{ summary: M; stream: Readable } | undefined>,
    missing: string,
  ) {
    try {
      const found = await open();
      if (!found) throw notFound(PHOTO_NOT_FOUND, missing);
      call.once('cancelled', () => found.stream.destroy());
      call.write({ metadata: found.summary });
      for await (const chunk of found.stream) {
        if (call.cancelled) return;
        if (!call.write({ chunk: chunk as Buffer })) await once(call, 'drain');
      }
      call.end();
    } catch (err) {
      if (call.cancelled) return;
      if (!isKycError(err)) logger.error({ err: (err as Error).message }, 'photo download failed');
      call.emit('error', toServiceError(err));
    }
  }

  const downloadPhoto = (call: ServerWritableStream<photo.DownloadPhotoRequest, photo.DownloadPhotoResponse>) =>
    sendStored(call as never, async () => {
      requireSubject(call.request.subjectId);
      requirePhotoType(call.request.photoType);
      return photos.open(call.request.subjectId, call.request.photoType);
    }, 'no photo of that type');

  const downloadObject = (call: ServerWritableStream<photo.DownloadObjectRequest, photo.DownloadObjectResponse>) =>
    sendStored(call as never, async () => {
      requireSubject(call.request.subjectId);
      requireObjectKey(call.request.objectKey);
      return photos.openObject(call.request.subjectId, call.request.objectKey);
    }, 'no object of that key');

  const implementation: photo.PhotoStorageServiceServer = {
    listPhotos: unary(logger, async (req: photo.ListPhotosRequest) => {
      requireSubject(req.subjectId);
      return { photos: await photos.list(req.subjectId) };
    }),
    uploadPhoto,
    downloadPhoto: (call) => void downloadPhoto(call),
    uploadObject,
    downloadObject: (call) => void downloadObject(call),
    bindObject: unary(logger, async (req: photo.BindObjectRequest) => {
      requireSubject(req.subjectId);
      requireObjectKey(req.objectKey);
      requirePhotoType(req.photoType);
      requirePartner(req.partnerId);
      const bound = await photos.bindObject({
        subjectId: req.subjectId,
        partnerId: req.partnerId,
        key: req.objectKey,
        photoType: req.photoType,
        correlationId: req.correlationId,
      });
      logger.info({ photoType: req.photoType, photoNumber: bound.photo.photoNumber, changed: bound.changed }, 'object bound');
      return bound;
    }),
    deletePhoto: unary(logger, async (req: photo.DeletePhotoRequest, call) => {
      requireSubject(req.subjectId);
      requirePhotoType(req.photoType);
      const correlationId = String(call.metadata.get('x-correlation-id')[0] ?? '');
      const deleted = await photos.delete(req.subjectId, req.photoType, correlationId);
      logger.info({ deleted, photoType: req.photoType }, 'photo delete handled');
      return { deleted };
    }),
  };
  return { name: 'kyc.photo.v1.PhotoStorageService', definition: photo.PhotoStorageServiceService, implementation: implementation as never };
}
