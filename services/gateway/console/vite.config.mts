// Build of the reviewer console (console/ -> dist/console), served by the reviewer app under
// /console/. Everything is bundled at build time: no CDN, no inline script or style (the page runs
// under a strict Content-Security-Policy), no assets inlined as data: URLs.
import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vite';
import { parse } from 'yaml';

const here = import.meta.dirname;

/** The rejection reason codes, taken from the reviewer API's own description so the two cannot drift. */
function reasonCodes(): string[] {
  const doc = parse(fs.readFileSync(path.join(here, '..', 'openapi', 'openapi.yaml'), 'utf8'));
  const body = doc.paths?.['/reviewer/v1/cases/{caseId}/decision']?.post?.requestBody?.content?.['application/json']?.schema;
  const codes = (body?.oneOf ?? []).map((s: { properties?: { reason_code?: { enum?: string[] } } }) => s.properties?.reason_code?.enum).find(Boolean);
  if (!Array.isArray(codes) || codes.length === 0) throw new Error('openapi.yaml: no reason_code enum on the decision body');
  return codes;
}

export default defineConfig({
  root: here,
  base: '/console/',
  publicDir: false,
  define: { __REASON_CODES__: JSON.stringify(reasonCodes()) },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: path.join(here, '..', 'dist', 'console'),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
});
