import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { parse } from 'yaml';

/** The OpenAPI 3.1 description lives beside the package (openapi/openapi.yaml), one file for all APIs. */
export const OPENAPI_FILE = path.join(__dirname, '..', '..', '..', 'openapi', 'openapi.yaml');

export function loadOpenApiDocument(file = OPENAPI_FILE): Record<string, unknown> {
  return parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** Serves the description as JSON and as the YAML source. Read once at boot. */
export function openapiRoutes(): Router {
  const yamlText = fs.readFileSync(OPENAPI_FILE, 'utf8');
  const json = parse(yamlText) as Record<string, unknown>;
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(json);
  });
  router.get('/openapi.yaml', (_req, res) => {
    res.type('application/yaml').send(yamlText);
  });
  return router;
}
