import { Response } from 'express';
import { photo } from '@kyc/contracts';
import { Logger, notFound } from '@kyc/core';
import { asKycError, correlationMetadata, ResilientClient } from '@kyc/grpc-kit';

/**
 * Streams one stored photo from photo-storage into an HTTP response; seed 002's fetch_photo and
 * the reviewer API both serve photos this way. Content-Type is the type sniffed at upload, never
 * a client's claim. Chunks are written with backpressure, and a client that goes away cancels the
 * stream upstream.
 *
 * Before the first byte is sent, failures are thrown as KycErrors (KYC.PHOTO.NOT_FOUND when there
 * is no such photo), so each API answers in its own shape. After it, the status cannot change: the
 * connection is cut, so the client sees a broken download rather than a short image that looks
 * complete. Resolves true when the photo was sent whole.
 */
export async function streamPhotoDownload(opts: {
  photoStorage: ResilientClient<photo.PhotoStorageServiceClient>;
  request: photo.DownloadPhotoRequest;
  correlationId: string;
  deadlineMs: number;
  res: Response;
  /** Headers beyond Content-Type and Content-Length (caching, disposition). */
  headers?: Record<string, string>;
  logger: Logger;
}): Promise<boolean> {
  const { res } = opts;
  const call = opts.photoStorage.raw.downloadPhoto(opts.request, correlationMetadata(opts.correlationId), {
    deadline: Date.now() + opts.deadlineMs,
  });
  res.once('close', () => {
    if (!res.writableFinished) call.cancel();
  });
  let started = false;
  try {
    for await (const message of call as AsyncIterable<photo.DownloadPhotoResponse>) {
      if (!started) {
        const meta = message.metadata;
        if (!meta) throw new Error('photo stream did not start with its metadata');
        res.status(200).set({
          'Content-Type': meta.contentType || 'application/octet-stream',
          'Content-Length': String(meta.sizeBytes),
          ...opts.headers,
        });
        res.flushHeaders();
        started = true;
        continue;
      }
      if (!message.chunk || message.chunk.length === 0) continue;
      if (!res.write(message.chunk)) {
        await new Promise<void>((resolve) => {
          res.once('drain', resolve);
          res.once('close', resolve);
        });
        if (res.destroyed) return false;
      }
    }
  } catch (err) {
    const mapped = asKycError(err, 'photo-storage');
    if (!started) throw mapped;
    opts.logger.warn({ code: mapped.code, err: mapped.message }, 'photo stream broke off');
    res.destroy();
    return false;
  }
  if (!started) throw notFound('KYC.PHOTO.NOT_FOUND', 'no photo of that type');
  res.end();
  return true;
}
