import { Socket } from 'node:net';
import { ServiceError } from '@grpc/grpc-js';
import busboy from 'busboy';
import { Request, Response, Router } from 'express';
import { isKycError, KycError, Logger } from '@kyc/core';
import { asKycError, correlationMetadata, fromServiceError } from '@kyc/grpc-kit';
import { isEvidenceLocked } from '../../domain/submission-rules';
import { DownstreamClients } from '../grpc/downstream-clients';
import { Session, SessionRepository } from '../mongo/session-repository';
import { correlationIdOf } from './correlation';
import { streamPhotoDownload } from './photo-download';
import { replyUserValidate, USER_VALIDATE_RESULT as R } from './user-validate-envelope';

/**
 * Seed 002 photo endpoints: submit_photo, fetch_photo, delete_photo.
 *
 * Photo bytes stream straight through: multipart part (busboy) -> gRPC client stream to
 * photo-storage, chunk by chunk with backpressure both ways, so the gateway holds a few chunks
 * per upload, never a whole image. photo-storage judges the content (type sniffed from the
 * bytes, structure, dimensions); the gateway enforces the byte limit and the multipart rules.
 *
 * Result codes (submit/delete answer in the JSON envelope with HTTP 200; fetch answers with the
 * image or a bare HTTP status, as the seed says):
 *   submit_photo 200 stored (photo_id) | 400 bad t_photo/user_sid, not multipart, no v_photo, a file
 *     in another field, two files, v_photo sent as a text field (a part without filename that is
 *     not application/octet-stream: busboy would buffer it as text) | 401 case submitted or
 *     approved | 403 image refused (over PHOTO_MAX_BYTES, not JPEG/PNG, truncated, corrupt,
 *     absurd dimensions, empty) | 404 unknown or expired user_sid | 500
 *   Checks run in that order of precedence: parameters, session, lock, then the bytes.
 *   fetch_photo  200 bytes | 400 bad t_photo or missing user_sid | 401 unknown or expired user_sid |
 *     404 no photo of that type | 500
 *   delete_photo 200 deleted (also when there was nothing to delete) | 400 | 401 locked | 404 user_sid | 500
 */

export interface PhotoRouteOptions {
  /** Largest accepted image in bytes (PHOTO_MAX_BYTES). */
  maxBytes: number;
  /** Deadline of one streamed transfer to or from photo-storage. */
  transferDeadlineMs: number;
}

const PHOTO_FIELD = 'v_photo';
/** Room for multipart boundaries and part headers on top of the image itself. */
const MULTIPART_OVERHEAD = 64 * 1024;
/** After an early answer, how long the client gets to read it and close before the socket is closed. */
const LINGER_MS = 2_000;

/** t_photo as the seed defines it: 0 (hand-held ID photo) or 1 (ID card front). */
function photoTypeOf(value: unknown): number | undefined {
  return value === '0' ? 0 : value === '1' ? 1 : undefined;
}

/** Result code for an error from photo-storage or realname-pattern. */
function resultOf(err: KycError): number {
  if (err.code === 'KYC.PHOTO.LOCKED') return R.locked;
  if (err.code.startsWith('KYC.PHOTO.') && err.kind === 'invalid_argument') return R.badImage;
  if (err.kind === 'invalid_argument') return R.badRequest;
  return R.internal;
}

export function userValidatePhotoRoutes(deps: {
  sessions: SessionRepository;
  clients: DownstreamClients;
  logger: Logger;
  options: PhotoRouteOptions;
}): Router {
  const router = Router();
  const { sessions, clients, options } = deps;
  const logger = deps.logger.child({ component: 'user-validate-photos' });
  const photoStorage = clients.photoStorage;

  const isLocked = async (subjectId: string, correlationId: string) => {
    const current = await clients.realnamePattern.unary(clients.realnamePattern.raw.getReviewCase, { subjectId }, { correlationId });
    return current.found && isEvidenceLocked(current.status);
  };

  const deadline = () => Date.now() + options.transferDeadlineMs;

  /**
   * Answers, possibly before the request body was read to its end (limit passed, bad part, image
   * refused). If bytes are still coming, the answer says `Connection: close` and the gateway
   * stops reading: TCP flow control then
   * stops the client, which reads the answer and closes (undici, curl and browsers do). After
   * LINGER_MS the socket is closed regardless. Nothing is buffered.
   */
  const answerEarly = (req: Request, res: Response, result: number) => {
    if (res.headersSent) return;
    if (!req.complete) {
      res.setHeader('Connection', 'close');
      // With "Connection: close" Node destroys the socket as soon as the answer is written; with
      // request bytes still unread the kernel then resets the connection, and a reset can make
      // the client lose the answer it has not read yet (EPIPE instead of 403). So only half-close
      // (FIN after the answer) and leave the full close to the client or to the timer below.
      const socket = req.socket as Socket;
      socket.destroySoon = () => void socket.end();
      req.unpipe();
      req.pause();
    }
    replyUserValidate(res, result);
    res.once('finish', () => {
      if (req.complete) return;
      const timer = setTimeout(() => req.socket.destroy(), LINGER_MS);
      timer.unref();
      req.socket.once('close', () => clearTimeout(timer));
    });
  };

  router.post('/user/validate/submit_photo/', async (req: Request, res: Response) => {
    const correlationId = correlationIdOf(req);
    try {
      const photoType = photoTypeOf(req.query.t_photo);
      const contentType = String(req.headers['content-type'] ?? '');
      if (typeof req.query.user_sid !== 'string' || req.query.user_sid === '' || photoType === undefined) {
        return answerEarly(req, res, R.badRequest);
      }
      if (!/^multipart\/form-data/i.test(contentType)) return answerEarly(req, res, R.badRequest);
      const session = await sessions.resolve(req.query.user_sid);
      if (!session) return answerEarly(req, res, R.sessionNotFound);
      if (await isLocked(session.subjectId, correlationId)) return answerEarly(req, res, R.locked);
      // A declared length far beyond the limit is refused before a byte of it is read.
      const declared = Number(req.headers['content-length'] ?? NaN);
      if (declared > options.maxBytes + MULTIPART_OVERHEAD) return answerEarly(req, res, R.badImage);
      if (photoStorage.breaker.opened) return answerEarly(req, res, R.internal);
      await streamUpload(req, res, session, photoType, correlationId);
    } catch (err) {
      // Session store or realname-pattern unavailable: not the partner's fault.
      logger.error({ err: (err as Error).message }, 'submit_photo failed');
      answerEarly(req, res, R.internal);
    }
  });

  /** Pipes the v_photo part into photo-storage's UploadPhoto client stream and answers once. */
  function streamUpload(req: Request, res: Response, session: Session, photoType: number, correlationId: string): Promise<void> {
    return new Promise<void>((resolve) => {
      let decided = false;
      let upload: ReturnType<typeof photoStorage.raw.uploadPhoto> | undefined;
      let uploadDone = false;

      const decide = (result: number, fields?: Record<string, unknown>) => {
        if (decided) return;
        decided = true;
        if (!uploadDone) upload?.cancel();
        if (result === R.ok && req.complete) replyUserValidate(res, result, fields);
        else answerEarly(req, res, result);
        resolve();
      };

      let bb: busboy.Busboy;
      try {
        bb = busboy({
          headers: req.headers,
          // Two files allowed so that the second is seen and refused, not silently skipped. Text
          // fields are capped at 1 KiB each: they are ignored, and never buffered beyond that.
          limits: { fileSize: options.maxBytes, files: 2, fields: 20, fieldSize: 1024, parts: 30, headerPairs: 20 },
        });
      } catch {
        return decide(R.badRequest); // not parseable as multipart (e.g. no boundary)
      }

      bb.on('file', (name, file) => {
        if (decided) return void file.resume();
        if (name !== PHOTO_FIELD || upload) {
          file.resume();
          return decide(R.badRequest); // a file in another field, or a second file
        }
        const call = photoStorage.raw.uploadPhoto(correlationMetadata(correlationId), { deadline: deadline() }, (err, reply) => {
          uploadDone = true;
          if (decided) return;
          if (err) {
            const kycErr = fromServiceError(err as ServiceError, 'photo-storage');
            const result = resultOf(kycErr);
            if (result === R.internal) logger.error({ code: kycErr.code, err: kycErr.message }, 'photo upload failed');
            return decide(result);
          }
          decide(R.ok, { photo_id: reply.photo?.photoNumber });
        });
        upload = call;
        call.write({ metadata: { subjectId: session.subjectId, partnerId: session.partnerId, photoType, correlationId } });
        file.on('data', (chunk: Buffer) => {
          if (decided) return;
          if (!call.write({ chunk })) {
            file.pause();
            call.once('drain', () => file.resume());
          }
        });
        file.on('limit', () => decide(R.badImage)); // over PHOTO_MAX_BYTES: stop here
        file.on('error', () => decide(R.badRequest));
      });

      // busboy treats a part as a file when it has a filename or is application/octet-stream; a
      // v_photo part that is neither arrives as a text field, which is not an upload: 400.
      bb.on('field', (name) => {
        if (name === PHOTO_FIELD) decide(R.badRequest);
      });
      bb.on('filesLimit', () => decide(R.badRequest));
      bb.on('partsLimit', () => decide(R.badRequest));
      bb.on('fieldsLimit', () => decide(R.badRequest));
      bb.on('error', () => decide(R.badRequest)); // malformed multipart
      bb.on('close', () => {
        if (decided) return;
        if (!upload) return decide(R.badRequest); // no v_photo part
        // The whole form was read: half-close so photo-storage can give its verdict and commit.
        upload.end();
      });
      req.on('close', () => {
        // The client went away mid-upload: nothing will be committed.
        if (!req.complete && !decided) {
          decided = true;
          if (!uploadDone) upload?.cancel();
          resolve();
        }
      });
      req.pipe(bb);
    });
  }

  router.get('/user/validate/fetch_photo/', async (req: Request, res: Response) => {
    const photoType = photoTypeOf(req.query.t_photo);
    if (typeof req.query.user_sid !== 'string' || req.query.user_sid === '' || photoType === undefined) return void res.sendStatus(400);
    try {
      const session = await sessions.resolve(req.query.user_sid);
      if (!session) return void res.sendStatus(401);
      await streamPhotoDownload({
        photoStorage,
        request: { subjectId: session.subjectId, photoType },
        correlationId: correlationIdOf(req),
        deadlineMs: options.transferDeadlineMs,
        res,
        headers: { 'Cache-Control': 'private, no-store', 'X-Content-Type-Options': 'nosniff' },
        logger,
      });
    } catch (err) {
      const kycErr = asKycError(err, 'photo-storage');
      if (kycErr.code === 'KYC.PHOTO.NOT_FOUND') return void res.sendStatus(404);
      if (kycErr.kind === 'invalid_argument') return void res.sendStatus(400);
      logger.error({ code: kycErr.code, err: kycErr.message }, 'fetch_photo failed');
      res.sendStatus(500);
    }
  });

  router.get('/user/validate/delete_photo/', async (req: Request, res: Response) => {
    const photoType = photoTypeOf(req.query.t_photo);
    if (typeof req.query.user_sid !== 'string' || req.query.user_sid === '' || photoType === undefined) {
      return replyUserValidate(res, R.badRequest);
    }
    const correlationId = correlationIdOf(req);
    try {
      const session = await sessions.resolve(req.query.user_sid);
      if (!session) return replyUserValidate(res, R.sessionNotFound);
      if (await isLocked(session.subjectId, correlationId)) return replyUserValidate(res, R.locked);
      await photoStorage.unary(photoStorage.raw.deletePhoto, { subjectId: session.subjectId, photoType }, { correlationId });
      replyUserValidate(res, R.ok);
    } catch (err) {
      const result = isKycError(err) ? resultOf(err) : R.internal;
      if (result === R.internal) logger.error({ err: (err as Error).message }, 'delete_photo failed');
      replyUserValidate(res, result === R.badImage ? R.badRequest : result);
    }
  });

  return router;
}
