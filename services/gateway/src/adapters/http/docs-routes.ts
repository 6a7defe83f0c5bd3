import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';

/**
 * The API reference at /docs: Scalar's standalone bundle (shipped in dist/, never a CDN) renders
 * /openapi.json in the browser. Nothing is fetched from outside the gateway: default fonts are
 * off, and the page's Content-Security-Policy would refuse anything else anyway.
 */

/**
 * Scalar's browser bundle, copied into dist/docs at build time (scripts/copy-contract-assets.js):
 * the package is a build-time dependency only, so its ~160 MB of node_modules (Vue, TypeScript)
 * stay out of the production install and the image.
 */
export function scalarBundlePath(): string {
  const built = path.join(__dirname, '..', '..', 'docs', 'scalar-standalone.js');
  // Run from sources (unit tests), the build's copy is not there: the package itself is.
  return fs.existsSync(built) ? built : path.join(path.dirname(require.resolve('@scalar/api-reference')), 'browser', 'standalone.js');
}

/**
 * Same-origin scripts, styles and data only. Scalar injects its stylesheet as <style> elements
 * ('unsafe-inline' for styles) and its bundled zod probes `Function('')` once to choose its
 * parser ('unsafe-eval'; without it the probe is refused and logged as an error on every load).
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>KYC platform API reference</title>
<link rel="icon" href="data:,">
</head>
<body>
<div id="reference"></div>
<script src="/docs/scalar.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

const SCALAR_CONFIG = {
  url: '/openapi.json',
  withDefaultFonts: false,
  showDeveloperTools: 'never',
  hideClientButton: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  telemetry: false,
  defaultOpenAllTags: false,
  operationTitleSource: 'summary',
};

// Contract sections first, in seed order (their display names start "Seed NNN · "), then the
// rest in document order. The mount point is not #api-reference: the standalone bundle would also
// mount an unconfigured instance (default fonts from Scalar's CDN included) on an element with that id.
const INIT = `const label = (tag) => tag['x-displayName'] || tag.name || '';
const rank = (tag) => (/^Seed \\d{3} /.test(label(tag)) ? 0 : 1);
const tagsSorter = (a, b) => rank(a) - rank(b) || (rank(a) === 0 ? label(a).localeCompare(label(b)) : 0);
Scalar.createApiReference('#reference', { ...${JSON.stringify(SCALAR_CONFIG)}, tagsSorter });
`;

/** GET /docs (the page), /docs/scalar.js (the renderer) and /docs/init.js (its configuration). */
export function docsRoutes(bundleFile = scalarBundlePath()): Router {
  const bundle = fs.readFileSync(bundleFile);
  const router = Router();
  router.get('/docs', (_req, res) => {
    res.set({ 'content-security-policy': DOCS_CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    res.type('html').send(PAGE);
  });
  router.get('/docs/scalar.js', (_req, res) => {
    res.set({ 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' });
    res.type('text/javascript').send(bundle);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.set({ 'x-content-type-options': 'nosniff' });
    res.type('text/javascript').send(INIT);
  });
  return router;
}
