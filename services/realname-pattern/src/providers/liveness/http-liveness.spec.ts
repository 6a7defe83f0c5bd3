import { LivenessStub, TEST_PROVIDER_SETTINGS, failureOf, recordingLogger, startLivenessStub } from '@kyc/provider-stubs';
import { HttpLiveness } from './http-liveness';

let stub: LivenessStub;
beforeAll(async () => (stub = await startLivenessStub()));
afterAll(() => stub.close());

const CERTIFY_TTL_MS = 30 * 60_000;
const adapters: HttpLiveness[] = [];
afterEach(() => adapters.splice(0).forEach((a) => a.shutdown()));
function adapter(opts: { logger?: ReturnType<typeof recordingLogger>; accessKeySecret?: string } = {}) {
  const a = new HttpLiveness({
    url: stub.url,
    accessKeyId: stub.credentials.accessKeyId,
    accessKeySecret: opts.accessKeySecret ?? stub.credentials.accessKeySecret,
    sceneId: '1000000006',
    productCode: 'ID_PRO',
    model: 'LIVENESS',
    certifyTtlMs: CERTIFY_TTL_MS,
    ...TEST_PROVIDER_SETTINGS,
    logger: opts.logger ?? recordingLogger(),
  });
  adapters.push(a);
  return a;
}

let n = 0;
const freshId = () => `1101011990030${String(++n).padStart(4, '0')}X`;
const start = (a: HttpLiveness, idNumber: string, outerOrderNo = `v${idNumber}`) =>
  a.init({ subjectRef: 'subject-42', name: '钱七', idNumber, outerOrderNo, metaInfo: '{"zimVer":"3.0.0"}' });

describe('HTTP liveness (Alibaba Cloud cloudauth) against the stub', () => {
  it('when the person passes, then init gives a certify id valid for the configured time and the result is passed with SubCode 200, without any face material', async () => {
    const id = freshId();
    const a = adapter();
    const session = await start(a, id, 'verif0001');
    expect(session.certifyId).toMatch(/^[0-9a-f]{32}$/);
    expect(session.expiresAt.getTime() - Date.now()).toBeGreaterThan(CERTIFY_TTL_MS - 5_000);
    const result = await a.result(session.certifyId);
    expect(result).toEqual({ outcome: 'passed', subCode: '200', providerReference: session.certifyId });
    expect(JSON.stringify(result)).not.toContain('face.jpg');
    const [init] = stub.calls(id);
    expect(init.params).toMatchObject({
      Action: 'InitFaceVerify',
      SceneId: '1000000006',
      OuterOrderNo: 'verif0001',
      ProductCode: 'ID_PRO',
      CertType: 'IDENTITY_CARD',
      CertName: '钱七',
      CertNo: id,
      UserId: 'subject-42',
      MetaInfo: '{"zimVer":"3.0.0"}',
    });
  });

  it('when the provider rejects the person, then the result is failed with its SubCode', async () => {
    const id = freshId();
    stub.setResult(id, { fail: '205' });
    const a = adapter();
    const { certifyId } = await start(a, id);
    expect(await a.result(certifyId)).toMatchObject({ outcome: 'failed', subCode: '205' });
  });

  it('when the person has not finished, then the result is not-finished until the session has expired, then expired', async () => {
    const id = freshId();
    stub.setResult(id, 'pending');
    const a = adapter();
    const { certifyId, expiresAt } = await start(a, id);
    expect((await a.result(certifyId, { expiresAt })).outcome).toBe('not-finished');
    expect((await a.result(certifyId, { expiresAt: new Date(Date.now() - 1) })).outcome).toBe('expired');
  });

  it('when the result query does not answer in time, then it fails with KYC.LIVENESS.TIMEOUT', async () => {
    const id = freshId();
    stub.setResult(id, 'hang');
    const a = adapter();
    const { certifyId } = await start(a, id);
    expect(await failureOf(a.result(certifyId))).toMatchObject({ code: 'KYC.LIVENESS.TIMEOUT', retriable: true });
  });

  it('when the result query gets 503, then it is asked again (it only reads); when init gets 503, it is not sent again', async () => {
    const id = freshId();
    stub.setResult(id, { status: 503 }, 'pass');
    const a = adapter();
    const { certifyId } = await start(a, id);
    expect((await a.result(certifyId)).outcome).toBe('passed');
    expect(stub.calls(id).filter((c) => c.action === 'DescribeFaceVerify')).toHaveLength(2);

    const other = freshId();
    stub.setInit(other, { status: 503 });
    expect((await failureOf(start(a, other))).code).toBe('KYC.LIVENESS.UNAVAILABLE');
    expect(stub.calls(other)).toHaveLength(1);
  });

  it('when the provider keeps failing, then the breaker opens and queries fail fast without reaching it', async () => {
    const id = freshId();
    const a = adapter();
    const { certifyId } = await start(a, id);
    stub.setResult(id, { status: 500 });
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) codes.push((await failureOf(a.result(certifyId))).code);
    expect(codes[0]).toBe('KYC.LIVENESS.UNAVAILABLE');
    expect(codes[3]).toBe('KYC.LIVENESS.BREAKER_OPEN');
    const reached = stub.calls(id).length;
    expect((await failureOf(a.result(certifyId))).code).toBe('KYC.LIVENESS.BREAKER_OPEN');
    expect(stub.calls(id)).toHaveLength(reached);
  });

  it('when the request is signed with another secret, then the stub refuses it and the error and log carry neither the echoed parameters nor the secret', async () => {
    const logger = recordingLogger();
    const id = freshId();
    const err = await failureOf(start(adapter({ logger, accessKeySecret: 'not-the-secret' }), id));
    expect(err).toMatchObject({ code: 'KYC.LIVENESS.REFUSED' });
    expect(err.message).toContain('SignatureDoesNotMatch');
    expect(stub.refusals()).toContain('SignatureDoesNotMatch');
    expect(stub.calls(id)).toHaveLength(0);
    for (const secret of [id, '钱七', 'not-the-secret', stub.credentials.accessKeySecret]) {
      expect(err.message).not.toContain(secret);
      expect(logger.text()).not.toContain(secret);
    }
  });

  it('when init is refused with a business code, then it fails with KYC.LIVENESS.REFUSED naming the code', async () => {
    const id = freshId();
    stub.setInit(id, { code: '414' });
    expect(await failureOf(start(adapter(), id))).toMatchObject({ code: 'KYC.LIVENESS.REFUSED', message: expect.stringContaining('Code 414') });
  });

  it('when the outer order number or the ID number is not what the provider takes, then init fails with KYC.LIVENESS.BAD_INPUT before any call', async () => {
    const id = freshId();
    const a = adapter();
    expect(await failureOf(start(a, id, 'c0ffee-with-dashes'))).toMatchObject({ code: 'KYC.LIVENESS.BAD_INPUT', kind: 'invalid_argument' });
    const err = await failureOf(start(a, '12345'));
    expect(err.message).toBe('liveness: idNumber must be an 18-character resident ID number');
    expect(stub.calls(id)).toHaveLength(0);
  });
});
