import fs from 'node:fs';
import { generateTypes, loadDescription, OUTPUT } from '../test-support/description';

// Each generation is a separate Node process (a few seconds on a busy machine).
const GENERATION_MS = 60_000;

describe('generated types', () => {
  it('when generated afresh from the gateway\'s OpenAPI description, then they equal the committed file (else: npm run generate)', async () => {
    expect(fs.readFileSync(OUTPUT, 'utf8')).toBe(await generateTypes());
  }, GENERATION_MS);

  it('when the description changes, then the generated text changes too', async () => {
    const description = loadDescription() as { paths: Record<string, unknown> };
    delete description.paths['/api/platform/member/status'];
    expect(await generateTypes(description)).not.toContain('"/api/platform/member/status"');
    expect(fs.readFileSync(OUTPUT, 'utf8')).toContain('"/api/platform/member/status"');
  }, GENERATION_MS);
});
