import { Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { Request, Response, Router } from 'express';
import { assertEvidenceUnlocked, deletePhoto, sessionOf } from '../../application/identity-submissions';
import { PhotoUpload, SessionView } from '../../application/ports';
import { ContractContext } from '../contract';
import { correlationIdOf } from '../correlation';
import { replyUserValidate, USER_VALIDATE_RESULT as R } from './envelope';
import { fetchPhotoStatusOf, userValidateResultOf } from './errors';

/**
 * Seed 002 photo endpoints: submit_photo, fetch_photo, delete_photo.
 *
 * Photo bytes stream straight through: multipart part (busboy) -> photo upload port (a gRPC
 * client stream to photo-storage), chunk by chunk with backpressure both ways, so the gateway
 * holds a few chunks per upload, never a whole image. photo-storage judges the content (type
 * sniffed from the bytes, structure, dimensions); the gateway enforces the byte limit and the
 * multipart rules.
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

const PHOTO_FIELD = 'v_photo';
/** Room for multipart boundaries and part headers on top of the image itself. */
const MULTIPART_OVERHEAD = 64 * 1024;
/** After an early answer, how long the client gets to read it and close before the socket is closed. */
const LINGER_MS = 2_000;

/** t_photo as the seed defines it: 0 (hand-held ID photo) or 1 (ID card front). */
function photoTypeOf(value: unknown): number | undefined {
  return value === '0' ? 0 : value === '1' ? 1 : undefined;
}

export function userValidatePhotoRoutes(ctx: ContractContext): Router {
  const router = Router();
  const { ports } = ctx;
  const options = ctx.settings.photo;
  const logger = ctx.logger.child({ component: 'user-validate-photos' });

  /**
   * Answers, possibly before the request body was read to its end (limit passed, bad part, image
   * refused). If bytes are still coming, the answer says `Connection: close` and the gateway
   * stops reading: TCP flow control then stops the client, which reads the answer and closes
   * (undici, curl and browsers do). After LINGER_MS the socket is closed regardless. Nothing is
   * buffered.
   */
  const answerEarly = (req: Request, res: Response, result: number, fields?: Record<string, unknown>) => {
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
    replyUserValidate(res, result, fields);
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
      const session = await sessionOf(ports, req.query.user_sid);
      await assertEvidenceUnlocked(ports, session.subjectId, correlationId);
      // A declared length far beyond the limit is refused before a byte of it is read.
      const declared = Number(req.headers['content-length'] ?? NaN);
      if (declared > options.maxBytes + MULTIPART_OVERHEAD) return answerEarly(req, res, R.badImage);
      if (!ports.photos.acceptingUploads()) return answerEarly(req, res, R.internal);
      await streamUpload(req, res, session, photoType, correlationId);
    } catch (err) {
      const result = userValidateResultOf(err);
      // Session store or realname-pattern unavailable: not the partner's fault.
      if (result === R.internal) logger.error({ err: (err as Error).message }, 'submit_photo failed');
      answerEarly(req, res, result);
    }
  });

  /** Pipes the v_photo part into a photo upload and answers once. */
  function streamUpload(req: Request, res: Response, session: SessionView, photoType: number, correlationId: string): Promise<void> {
    return new Promise<void>((resolve) => {
      let decided = false;
      let upload: PhotoUpload | undefined;

      const decide = (result: number, fields?: Record<string, unknown>) => {
        if (decided) return;
        decided = true;
        upload?.cancel();
        if (result === R.ok && req.complete) replyUserValidate(res, result, fields);
        else answerEarly(req, res, result, fields);
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
        const current = ports.photos.openUpload({ subjectId: session.subjectId, partnerId: session.partnerId, photoType, correlationId });
        upload = current;
        current.stored.then(
          (stored) => decide(R.ok, { photo_id: stored.photoNumber }),
          (err: Error) => {
            if (decided) return;
            const result = userValidateResultOf(err);
            if (result === R.internal) logger.error({ err: err.message }, 'photo upload failed');
            decide(result);
          },
        );
        file.on('data', (chunk: Buffer) => {
          if (decided) return;
          if (!current.write(chunk)) {
            file.pause();
            current.onDrain(() => file.resume());
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
          upload?.cancel();
          resolve();
        }
      });
      req.pipe(bb);
    });
  }

  router.get('/user/validate/fetch_photo/', async (req: Request, res: Response) => {
    const photoType = photoTypeOf(req.query.t_photo);
    if (typeof req.query.user_sid !== 'string' || req.query.user_sid === '' || photoType === undefined) return void res.sendStatus(400);
    let started = false;
    try {
      const session = await sessionOf(ports, req.query.user_sid);
      const found = await ports.photos.download(session.subjectId, photoType);
      if (!found) return void res.sendStatus(404);
      res.status(200).set({
        'Content-Type': found.contentType,
        'Content-Length': String(found.sizeBytes),
        'Cache-Control': 'private, no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      started = true;
      // Once bytes are sent the status cannot change: a broken stream cuts the connection, so the
      // client sees a broken download rather than a short image that looks complete.
      await pipeline(found.body, res);
    } catch (err) {
      if (started) {
        logger.warn({ err: (err as Error).message }, 'photo stream broke off');
        return void res.destroy();
      }
      const status = fetchPhotoStatusOf(err);
      if (status === 500) logger.error({ err: (err as Error).message }, 'fetch_photo failed');
      res.sendStatus(status);
    }
  });

  router.get('/user/validate/delete_photo/', async (req: Request, res: Response) => {
    const photoType = photoTypeOf(req.query.t_photo);
    if (typeof req.query.user_sid !== 'string' || req.query.user_sid === '' || photoType === undefined) {
      return replyUserValidate(res, R.badRequest);
    }
    try {
      await deletePhoto(ports, req.query.user_sid, photoType, correlationIdOf(req));
      replyUserValidate(res, R.ok);
    } catch (err) {
      const result = userValidateResultOf(err);
      if (result === R.internal) logger.error({ err: (err as Error).message }, 'delete_photo failed');
      replyUserValidate(res, result === R.badImage ? R.badRequest : result);
    }
  });

  return router;
}
