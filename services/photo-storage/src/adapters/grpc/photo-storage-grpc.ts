import { once } from 'node:events';
import { sendUnaryData, ServerReadableStream, ServerWritableStream } from '@grpc/grpc-js';
import { photo } from '@kyc/contracts';
import { invalidArgument, isKycError, KycError, Logger, notFound } from '@kyc/core';
import { ServiceRegistration, toServiceError, unary } from '@kyc/grpc-kit';
import { ImageInspector, ImageLimits, InspectedImage, isPhotoRejection } from '../../domain/image-inspector';
import { badPhotoType, isPhotoType, PHOTO_LOCKED, PHOTO_NOT_FOUND, photoLocked } from '../../domain/photo-rules';
import { UploadMetrics, UploadOutcome } from '../metrics/upload-metrics';
import { PhotoRepository } from '../mongo/photo-repository';

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
   * Client stream: metadata first, then chunks. Each chunk is inspected as it arrives and passed
   * on to encryption and the blob store with backpressure (grpc-js reads the next message only when the
   * pipeline asks), so memory stays bounded whatever the image size. A refusal ends the call at
   * once, so the caller can stop sending; the commit happens only after the caller half-closed
   * the stream and the inspection accepted the whole image.
   */
  const uploadPhoto = (call: ServerReadableStream<photo.UploadPhotoRequest, photo.UploadPhotoResponse>, callback: sendUnaryData<photo.UploadPhotoResponse>) => {
    const started = process.hrtime.bigint();
    let inspector: ImageInspector | undefined;
    let answered = false;
    const answer = (err: unknown, res?: photo.UploadPhotoResponse) => {
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
        logger.info({ outcome, photoNumber: res!.photo?.photoNumber, bytes: inspector?.bytesSeen }, 'photo stored');
        callback(null, res!);
      }
    };

    const run = async (): Promise<photo.UploadPhotoResponse> => {
      const messages = call[Symbol.asyncIterator]() as AsyncIterator<photo.UploadPhotoRequest>;
      const first = await messages.next();
      const meta = first.done ? undefined : first.value.metadata;
      if (!meta) throw invalidArgument('KYC.REQUEST.METADATA_FIRST', 'the first message must carry the metadata');
      requireSubject(meta.subjectId);
      requirePhotoType(meta.photoType);
      if (!meta.partnerId) throw invalidArgument('KYC.REQUEST.PARTNER_REQUIRED', 'partner_id is required');
      // Refuse before reading a single image byte; the commit re-checks atomically.
      if (await photos.isLocked(meta.subjectId)) throw photoLocked();

      const inspection = new ImageInspector(deps.limits);
      inspector = inspection;
      let verdict: InspectedImage | undefined;
      async function* imageBytes(): AsyncGenerator<Buffer> {
        for (;;) {
          const next = await messages.next();
          if (next.done) break;
          const chunk = next.value.chunk;
          if (!chunk) throw invalidArgument('KYC.REQUEST.CHUNK_EXPECTED', 'only the first message may carry metadata');
          inspection.write(chunk); // throws KYC.PHOTO.* as soon as the bytes are unacceptable
          yield chunk;
        }
        if (call.cancelled) throw cancelledError();
        verdict = await inspection.end();
      }
      const blob = await photos.writeBlob(meta.subjectId, meta.photoType, imageBytes());
      if (call.cancelled || !verdict) {
        photos.discardBlob(blob.fileId, blob.chunks);
        throw cancelledError();
      }
      const summary = await photos.commit({
        subjectId: meta.subjectId,
        partnerId: meta.partnerId,
        photoType: meta.photoType,
        blob,
        facts: verdict,
        correlationId: meta.correlationId,
      });
      return { photo: summary };
    };

    call.once('cancelled', () => answer(cancelledError()));
    run().then(
      (res) => answer(null, res),
      (err: unknown) => {
        // A stream torn down by a cancel surfaces as "premature close": report it as the cancel it is.
        answer(call.cancelled ? cancelledError() : err);
      },
    );
  };

  /** Server stream: the summary first, then the decrypted bytes with backpressure. */
  const downloadPhoto = async (call: ServerWritableStream<photo.DownloadPhotoRequest, photo.DownloadPhotoResponse>) => {
    try {
      requireSubject(call.request.subjectId);
      requirePhotoType(call.request.photoType);
      const found = await photos.open(call.request.subjectId, call.request.photoType);
      if (!found) throw notFound(PHOTO_NOT_FOUND, 'no photo of that type');
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
  };

  const implementation: photo.PhotoStorageServiceServer = {
    listPhotos: unary(logger, async (req: photo.ListPhotosRequest) => {
      requireSubject(req.subjectId);
      return { photos: await photos.list(req.subjectId) };
    }),
    uploadPhoto,
    downloadPhoto: (call) => void downloadPhoto(call),
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
