import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { Logger } from '@kyc/core';

/**
 * The reviewer console (console/, built by Vite into dist/console) on the reviewer port under
 * /console/. The page itself holds nothing personal: it signs in with a reviewer token and reads
 * the reviewer API like any client, so the same-origin policy and these headers are its fence.
 * Strict CSP: only its own bundled script and style, photos from blob: URLs, calls to this origin.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Where the gateway's build puts the console: dist/console beside dist/adapters. */
export const BUILT_CONSOLE_DIR = path.join(__dirname, '..', '..', 'console');

/** Vite names bundled files after their content hash: they never change, so browsers may keep them. */
const HASHED_ASSET = /[\\/]assets[\\/][^\\/]+-[A-Za-z0-9_-]{8,}\.(js|css)$/;

export function consoleRoutes(opts: { dir?: string; logger: Logger }): Router {
  const dir = opts.dir ?? BUILT_CONSOLE_DIR;
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    opts.logger.warn({ dir }, 'reviewer console is not built: /console/ answers 404');
  }
  const router = Router();
  router.get('/', (_req, res) => res.redirect(302, '/console/'));
  router.use('/console', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    next();
  });
  router.use(
    '/console',
    express.static(dir, {
      index: 'index.html',
      dotfiles: 'ignore',
      etag: false,
      lastModified: false,
      setHeaders: (res, file) => {
        res.setHeader('Cache-Control', HASHED_ASSET.test(file) ? 'public, max-age=31536000, immutable' : 'no-store');
      },
    }),
  );
  return router;
}
