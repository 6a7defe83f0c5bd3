import SwaggerParser from '@apidevtools/swagger-parser';
import { loadOpenApiDocument } from './openapi-routes';

describe('OpenAPI description', () => {
  const doc = loadOpenApiDocument();

  it('when validated against the OpenAPI 3.1 schema, then it has no errors', async () => {
    // validate() throws with the list of problems on an invalid document
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    expect(doc.openapi).toBe('3.1.0');
  });

  it('when read by a partner, then every seed 002 endpoint, session minting and the reviewer API are described', () => {
    const paths = Object.keys(doc.paths as object);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/platform/session',
        '/user/validate/submit_photo/',
        '/user/validate/fetch_photo/',
        '/user/validate/delete_photo/',
        '/user/validate/submit_info/',
        '/user/validate/fetch_info/',
        '/reviewer/v1/cases',
        '/reviewer/v1/cases/{caseId}',
        '/reviewer/v1/cases/{caseId}/photos/{photoType}',
        '/reviewer/v1/cases/{caseId}/decision',
      ]),
    );
  });
});
