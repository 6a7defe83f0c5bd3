import { createHash } from 'node:crypto';
import { Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Request, Response } from 'express';
import { isKycError, Logger } from '@kyc/core';
import { ObjectUpload, PhotosPort } from '../application/ports';
import { correlationIdOf } from '../contracts/correlation';
import { isObjectKey } from './object-keys';
import { authenticate } from './oss-auth';
import { newRequestId, OSS_ERRORS as E, OssError, replyOssError } from './oss-errors';
import { headersOf, objectKeyOfPath, queryParams } from './oss-request';
import { StsAction, StsAuthority, StsGrant } from './sts-credentials';

export interface ObjectStoreSettings {
  /** The one bucket this store serves. */
  bucket: string;
  /** Largest object accepted (the photo limit). */
  maxBytes: number;
}

/** After an early answer, how long the client gets to read it and close before the socket is closed. */
const LINGER_MS = 2_000;

/**
 * PUT, GET and HEAD of single objects, as OSS serves them, for credentials minted by getsts.
 *
 * PUT streams the body into photo-storage (UploadObject) chunk by chunk with backpressure both
 * ways, so the gateway holds a few chunks, never the object; photo-storage sniffs and checks the
 * image as for seed 002 photos and stores it encrypted. A body over the photo limit is refused as
 * soon as its declared length (or, chunked, its bytes) pass it, and a Content-MD5 that does not
 * match the bytes cancels the upload before photo-storage commits it.
 *
 * Refusals answer in OSS's XML error format (oss-errors.ts). Checks run in this order:
 * authentication (oss-auth.ts), object name, the credentials' prefix and action, then the bytes.
 */
export function objectRoutes(deps: { sts: StsAuthority; photos: PhotosPort; settings: ObjectStoreSettings; logger: Logger }) {
  const { photos, settings } = deps;
  const logger = deps.logger.child({ component: 'object-store' });

  /** Authenticates and authorizes one request; resolves to the grant and key. */
  function admit(req: Request, action: StsAction): { grant: StsGrant; key: string } {
    const query = queryParams(req.originalUrl);
    const key = objectKeyOfPath(req.path, settings.bucket);
    if (!query || key === undefined) throw new OssError(E.invalidArgument, 'The request URL is not valid percent-encoding.');
    const grant = authenticate({ method: req.method, headers: headersOf(req), bucket: settings.bucket, key, query }, deps.sts);
    if (key === '') throw new OssError(E.accessDenied, 'These credentials allow object reads and writes only.');
    if (!isObjectKey(key)) throw new OssError(E.invalidObjectName, 'Object names are 1-256 characters of [A-Za-z0-9._/-] without empty or dot-only segments.');
    if (!key.startsWith(grant.prefix) || !grant.actions.includes(action)) {
      throw new OssError(E.accessDenied, `You have no right to access this object because of bucket acl (allowed: ${grant.prefix}*).`);
    }
    return { grant, key };
  }

  /**
   * Answers, possibly before the body was read to its end. With bytes still coming the answer says
   * `Connection: close` and reading stops; the socket is half-closed after the answer so the client
   * can read it (a reset could lose it), and closed for good after LINGER_MS.
   */
  function finish(req: Request, res: Response, err?: OssError): void {
    if (res.headersSent && err) return void res.destroy();
    if (!req.complete && req.method === 'PUT') {
      res.setHeader('Connection', 'close');
      const socket = req.socket as Socket;
      socket.destroySoon = () => void socket.end();
      req.unpipe();
      req.pause();
      res.once('finish', () => {
        const timer = setTimeout(() => req.socket.destroy(), LINGER_MS);
        timer.unref();
        req.socket.once('close', () => clearTimeout(timer));
      });
    }
    if (err) return replyOssError(res, err, settings.bucket);
    res.end();
  }

  /** What photo-storage's refusal of an upload or download means in OSS terms. */
  function ossErrorOf(err: unknown, what: string): OssError {
    if (err instanceof OssError) return err;
    if (isKycError(err)) {
      if (err.code === 'KYC.PHOTO.LOCKED') return new OssError(E.accessDenied, 'The evidence is under review or approved and can no longer change.');
      if (err.code === 'KYC.PHOTO.TOO_LARGE') return new OssError(E.entityTooLarge, `Your proposed upload exceeds the maximum allowed size (${settings.maxBytes} bytes).`);
      if (err.code === 'KYC.PHOTO.NOT_FOUND') return new OssError(E.noSuchKey, 'The specified key does not exist.');
      if (err.code.startsWith('KYC.PHOTO.') && err.kind === 'invalid_argument') {
        return new OssError(E.invalidArgument, 'The object is not an acceptable image: a complete JPEG or PNG of sensible size is required.');
      }
      if (err.kind === 'unavailable') return new OssError(E.serviceUnavailable, 'Please reduce your request rate or try again later.');
    }
    logger.error({ err: (err as Error).message }, `object ${what} failed`);
    return new OssError(E.internalError, 'We encountered an internal error. Please try again.');
  }

  async function put(req: Request, res: Response): Promise<void> {
    const correlationId = correlationIdOf(req);
    const { grant, key } = admit(req, 'put');
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    const chunked = /chunked/i.test(String(req.headers['transfer-encoding'] ?? ''));
    if (declared === undefined && !chunked) throw new OssError(E.missingContentLength, 'You must provide the Content-Length HTTP header.');
    if (declared !== undefined && !(declared >= 0)) throw new OssError(E.invalidArgument, 'Content-Length is not a number.');
    if (declared !== undefined && declared > settings.maxBytes) {
      throw new OssError(E.entityTooLarge, `Your proposed upload exceeds the maximum allowed size (${settings.maxBytes} bytes).`);
    }
    const contentMd5 = req.headers['content-md5'];
    if (contentMd5 !== undefined && !/^[A-Za-z0-9+/]{22}==$/.test(String(contentMd5))) throw new OssError(E.invalidDigest, 'The Content-MD5 you specified is not valid.');
    if (!photos.acceptingUploads()) throw new OssError(E.serviceUnavailable, 'Please reduce your request rate or try again later.');

    const upload = photos.openObjectUpload({ subjectId: grant.subjectId, partnerId: grant.partnerId, objectKey: key, correlationId });
    const stored = await streamBody(req, upload, String(contentMd5 ?? ''), declared);
    logger.info({ uid: grant.uid, bytes: stored.sizeBytes, correlationId }, 'object stored');
    res.status(200).set({ ETag: `"${stored.md5Hex.toUpperCase()}"`, 'Content-Length': '0' });
    finish(req, res);
  }

  /** Pipes the request body into an upload; resolves with photo-storage's verdict, rejects with an OssError. */
  function streamBody(req: Request, upload: ObjectUpload, contentMd5: string, declared: number | undefined) {
    return new Promise<Awaited<ObjectUpload['stored']>>((resolve, reject) => {
      const md5 = createHash('md5');
      let received = 0;
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        upload.cancel();
        reject(ossErrorOf(err, 'upload'));
      };
      upload.stored.then((v) => {
        if (settled) return;
        settled = true;
        resolve(v);
      }, fail);
      req.on('data', (chunk: Buffer) => {
        if (settled) return;
        received += chunk.length;
        if (received > settings.maxBytes) return fail(new OssError(E.entityTooLarge, `Your proposed upload exceeds the maximum allowed size (${settings.maxBytes} bytes).`));
        md5.update(chunk);
        if (!upload.write(chunk)) {
          req.pause();
          upload.onDrain(() => req.resume());
        }
      });
      req.on('end', () => {
        if (settled) return;
        if (declared !== undefined && received !== declared) return fail(new OssError(E.incompleteBody, 'You did not provide the number of bytes specified by the Content-Length HTTP header.'));
        if (contentMd5 && md5.digest('base64') !== contentMd5) return fail(new OssError(E.badDigest, 'The Content-MD5 you specified did not match what we received.'));
        upload.end();
      });
      req.on('close', () => {
        // The client went away mid-upload: nothing will be committed.
        if (!req.complete && !settled) {
          settled = true;
          upload.cancel();
          reject(new OssError(E.incompleteBody, 'The client closed the connection before the body was complete.'));
        }
      });
    });
  }

  async function get(req: Request, res: Response): Promise<void> {
    const correlationId = correlationIdOf(req);
    const { grant, key } = admit(req, 'get');
    let found;
    try {
      found = await photos.downloadObject(grant.subjectId, key, correlationId);
    } catch (err) {
      throw ossErrorOf(err, 'download');
    }
    if (!found) throw new OssError(E.noSuchKey, 'The specified key does not exist.');
    res.status(200).set({
      'Content-Type': found.contentType,
      'Content-Length': String(found.sizeBytes),
      ETag: `"${found.md5Hex.toUpperCase()}"`,
      'Last-Modified': found.storedAt.toUTCString(),
      'x-oss-object-type': 'Normal',
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      found.body.destroy();
      return void res.end();
    }
    try {
      await pipeline(found.body, res);
    } catch (err) {
      // Headers are gone: cutting the connection tells the client the object is incomplete.
      logger.warn({ err: (err as Error).message }, 'object stream broke off');
      res.destroy();
    }
  }

  /** The store's request handler: one of PUT, GET, HEAD on an object; OSS errors otherwise. */
  return async (req: Request, res: Response): Promise<void> => {
    res.setHeader('x-oss-request-id', newRequestId());
    try {
      if (req.method === 'PUT') return await put(req, res);
      if (req.method === 'GET' || req.method === 'HEAD') return await get(req, res);
      throw new OssError(E.methodNotAllowed, 'The specified method is not allowed against this resource.');
    } catch (err) {
      const refusal = ossErrorOf(err, req.method === 'PUT' ? 'upload' : 'request');
      if (refusal.kind.status >= 500) logger.warn({ code: refusal.kind.code }, 'object request failed');
      else logger.info({ code: refusal.kind.code, method: req.method }, 'object request refused');
      finish(req, res, refusal);
    }
  };
}
