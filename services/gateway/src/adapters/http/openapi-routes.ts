import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { parse, stringify } from 'yaml';

/** The base description (info, signing rules, reviewer and operations paths, shared components). */
export const OPENAPI_BASE_FILE = path.join(__dirname, '..', '..', '..', 'openapi', 'openapi.yaml');

type Doc = Record<string, unknown>;
const objectAt = (doc: Doc, key: string) => (doc[key] ?? {}) as Record<string, Record<string, unknown>>;

/**
 * The whole OpenAPI 3.1 description: the base document with each contract's fragment merged in
 * (paths, webhooks, tags and every components section). A fragment that redefines a path or
 * component of another is a mistake, refused at start-up rather than silently overwritten.
 */
export function loadOpenApiDocument(fragmentFiles: readonly string[], baseFile = OPENAPI_BASE_FILE): Doc {
  const doc = parse(fs.readFileSync(baseFile, 'utf8')) as Doc;
  for (const file of fragmentFiles) {
    const fragment = parse(fs.readFileSync(file, 'utf8')) as Doc;
    for (const key of ['paths', 'webhooks'] as const) {
      if (!fragment[key]) continue;
      const target = objectAt(doc, key);
      for (const [name, value] of Object.entries(objectAt(fragment, key))) {
        if (name in target) throw new Error(`${file}: ${key} ${name} is already described`);
        target[name] = value;
      }
      doc[key] = target;
    }
    const components = objectAt(doc, 'components');
    for (const [section, entries] of Object.entries(objectAt(fragment, 'components'))) {
      const target = (components[section] ?? {}) as Record<string, unknown>;
      for (const [name, value] of Object.entries(entries)) {
        if (name in target) throw new Error(`${file}: components.${section}.${name} is already described`);
        target[name] = value;
      }
      components[section] = target;
    }
    doc.components = components;
    const tags = (doc.tags ?? []) as { name: string }[];
    for (const tag of (fragment.tags ?? []) as { name: string }[]) if (!tags.some((t) => t.name === tag.name)) tags.push(tag);
    doc.tags = tags;
  }
  return doc;
}

/** Serves the merged description as JSON and as YAML. Built once at boot. */
export function openapiRoutes(fragmentFiles: readonly string[]): Router {
  const json = loadOpenApiDocument(fragmentFiles);
  const yamlText = stringify(json);
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(json);
  });
  router.get('/openapi.yaml', (_req, res) => {
    res.type('application/yaml').send(yamlText);
  });
  return router;
}
