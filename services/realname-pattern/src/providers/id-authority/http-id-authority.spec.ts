import { IdAuthorityStub, TEST_PROVIDER_SETTINGS, failureOf, recordingLogger, startIdAuthorityStub } from '@kyc/provider-stubs';
import { HttpIdAuthority } from './http-id-authority';

const APPCODE = 'appcode-0123456789';
let stub: IdAuthorityStub;
beforeAll(async () => (stub = await startIdAuthorityStub()));
afterAll(() => stub.close());

const adapters: HttpIdAuthority[] = [];
afterEach(() => adapters.splice(0).forEach((a) => a.shutdown()));
function adapter(results: string[] = [], logger = recordingLogger()) {
  const a = new HttpIdAuthority({
    baseUrl: stub.url,
    appcode: APPCODE,
    ...TEST_PROVIDER_SETTINGS,
    logger,
    onResult: (r) => void results.push(r),
  });
  adapters.push(a);
  return a;
}

let n = 0;
const freshId = () => `1101011990030${String(++n).padStart(4, '0')}X`;

describe('HTTP ID authority against the stub', () => {
  it('when the authority answers res=1, then the check matches with its order number after one two-element call carrying the appcode', async () => {
    const id = freshId();
    const results: string[] = [];
    const answer = await adapter(results).check({ name: '赵六', idNumber: id });
    expect(answer).toEqual({ outcome: 'match', providerReference: expect.stringMatching(/^stub-\d+$/) });
    expect(stub.calls(id)).toEqual([{ path: '/verify/idcard', idNumber: id, name: '赵六', authorization: `APPCODE ${APPCODE}` }]);
    expect(results).toEqual(['match']);
  });

  it('when a mobile is given, then the three-element endpoint is asked', async () => {
    const id = freshId();
    stub.set(id, 'mismatch');
    expect((await adapter().check({ name: '赵六', idNumber: id, mobile: '13912345678' })).outcome).toBe('mismatch');
    expect(stub.calls(id)).toEqual([expect.objectContaining({ path: '/verify/idcard-mobile', mobile: '13912345678' })]);
  });

  it('when the authority answers 503 twice, then the check is retried and answers', async () => {
    const id = freshId();
    stub.set(id, { status: 503 }, { status: 503 }, 'no-record');
    expect((await adapter().check({ name: '赵六', idNumber: id })).outcome).toBe('no-record');
    expect(stub.calls(id)).toHaveLength(3);
  });

  it('when the authority answers 500, then the check fails with KYC.ID_AUTHORITY.REFUSED without a retry', async () => {
    const id = freshId();
    stub.set(id, { status: 500 });
    expect(await failureOf(adapter().check({ name: '赵六', idNumber: id }))).toMatchObject({ code: 'KYC.ID_AUTHORITY.REFUSED', retriable: true });
    expect(stub.calls(id)).toHaveLength(1);
  });

  it('when the authority does not answer in time, then the check fails with KYC.ID_AUTHORITY.TIMEOUT', async () => {
    const id = freshId();
    stub.set(id, 'hang');
    expect((await failureOf(adapter().check({ name: '赵六', idNumber: id }))).code).toBe('KYC.ID_AUTHORITY.TIMEOUT');
  });

  it('when the authority keeps failing, then the breaker opens, checks fail fast, and neither the appcode nor the identity is logged', async () => {
    const logger = recordingLogger();
    const results: string[] = [];
    const a = adapter(results, logger);
    const id = freshId();
    stub.set(id, { status: 500 });
    for (let i = 0; i < 3; i++) await failureOf(a.check({ name: '赵六', idNumber: id }));
    expect((await failureOf(a.check({ name: '赵六', idNumber: id }))).code).toBe('KYC.ID_AUTHORITY.BREAKER_OPEN');
    expect(stub.calls(id)).toHaveLength(3);
    expect(results).toEqual(['error', 'error', 'error', 'breaker-open']);
    expect(logger.text()).toContain('circuit breaker opened');
    for (const secret of [APPCODE, id, '赵六']) expect(logger.text()).not.toContain(secret);
  });
});
