import SwaggerParser from '@apidevtools/swagger-parser';
import { PARTNER_CONTRACTS } from '../../contracts/registry';
import { loadOpenApiDocument } from './openapi-routes';

describe('OpenAPI description', () => {
  const doc = loadOpenApiDocument(PARTNER_CONTRACTS.map((c) => c.openapiFragment));

  it('when validated against the OpenAPI 3.1 schema, then it has no errors', async () => {
    // validate() throws with the list of problems on an invalid document
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    expect(doc.openapi).toBe('3.1.0');
  });

  it('when read by a partner, then every contract endpoint, session minting and the reviewer API are described', () => {
    const paths = Object.keys(doc.paths as object);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/platform/session',
        '/api/platform/member/verify',
        '/api/platform/member/status',
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
    expect(Object.keys(doc.webhooks as object)).toContain('memberVerificationResult');
  });

  it('when two fragments describe the same path, then loading refuses instead of overwriting one', () => {
    const fragment = PARTNER_CONTRACTS[0].openapiFragment;
    expect(() => loadOpenApiDocument([fragment, fragment])).toThrow(/already described/);
  });
});
