import { TEST_PROVIDER_SETTINGS, UnionpayFaceStub, failureOf, recordingLogger, startUnionpayFaceStub } from '@kyc/provider-stubs';
import { HttpUnionpayFace } from './http-unionpay-face';
import { UnionpayFaceRequest } from './unionpay-face';

let stub: UnionpayFaceStub;
beforeAll(async () => (stub = await startUnionpayFaceStub()));
afterAll(() => stub.close());

const adapters: HttpUnionpayFace[] = [];
afterEach(() => adapters.splice(0).forEach((a) => a.shutdown()));
function adapter(opts: { logger?: ReturnType<typeof recordingLogger>; appSecret?: string; results?: string[] } = {}) {
  const a = new HttpUnionpayFace({
    url: stub.url,
    appId: stub.credentials.appId,
    appSecret: opts.appSecret ?? stub.credentials.appSecret,
    ...TEST_PROVIDER_SETTINGS,
    logger: opts.logger ?? recordingLogger(),
    onResult: (r) => void opts.results?.push(r),
  });
  adapters.push(a);
  return a;
}

const FACE = Buffer.from('a face picture, as the app captured it').toString('base64');
let n = 0;
/** A request as seed 003's app builds it, for a fresh ID number. */
function request(over: Partial<UnionpayFaceRequest> = {}): UnionpayFaceRequest {
  const certCode = `1101011990030${String(++n).padStart(4, '0')}X`;
  return {
    token: 'up-token-0001', sign: 'app-signature', ts: 1725170000000, action: 'faceAuth', txnTime: '20240901080000', txnSrc: 'APP',
    orgCode: 'ORG001', orgSeq: `seq${n}`, comUserId: 'COM001', authCode: 'A01', sceneCode: 'S01', protocoVerison: '1.0', authSeq: `auth${n}`,
    name: '孙八', certType: '01', certCode, faceImage: FACE, ...over,
  };
}

describe('HTTP UnionPay face (modelled exchange) against the stub', () => {
  it('when UnionPay finds the face is the ID holder\'s, then the verification passed under UnionPay\'s serial number, the app\'s fields delivered as given', async () => {
    const req = request();
    const results: string[] = [];
    expect(await adapter({ results }).verify(req)).toEqual({ outcome: 'passed', resultCode: '00', providerReference: expect.stringMatching(/^up-stub-\d+$/) });
    const [call] = stub.calls(req.certCode);
    expect(call.fields).toEqual({ ...req, faceImage: FACE.length });
    expect(results).toEqual(['passed']);
  });

  it('when UnionPay finds another person\'s face, then the verification failed with its compareResult', async () => {
    const req = request();
    stub.set(req.certCode, { fail: '01' });
    expect(await adapter().verify(req)).toMatchObject({ outcome: 'failed', resultCode: '01' });
  });

  it('when UnionPay refuses the call, then it fails with KYC.UNIONPAY_FACE.REFUSED naming resp', async () => {
    const req = request();
    stub.set(req.certCode, { resp: '31' });
    expect(await failureOf(adapter().verify(req))).toMatchObject({ code: 'KYC.UNIONPAY_FACE.REFUSED', message: 'unionpay-face: verify: resp 31' });
  });

  it.each([
    ['503', { status: 503 }, 'KYC.UNIONPAY_FACE.UNAVAILABLE'],
    ['500', { status: 500 }, 'KYC.UNIONPAY_FACE.UNAVAILABLE'],
    ['nothing in time', 'hang' as const, 'KYC.UNIONPAY_FACE.TIMEOUT'],
  ])('when UnionPay answers %s, then the verification fails with %s and is not sent again (the token may be spent)', async (_what, behaviour, code) => {
    const req = request();
    stub.set(req.certCode, behaviour, 'pass');
    expect(await failureOf(adapter().verify(req))).toMatchObject({ code, retriable: true });
    expect(stub.calls(req.certCode)).toHaveLength(1);
  });

  it('when UnionPay keeps failing, then the breaker opens and verifications fail fast without reaching it', async () => {
    const a = adapter();
    const failing = request();
    stub.set(failing.certCode, { status: 500 });
    for (let i = 0; i < 3; i++) await failureOf(a.verify(failing));
    expect((await failureOf(a.verify(failing))).code).toBe('KYC.UNIONPAY_FACE.BREAKER_OPEN');
    expect(stub.calls(failing.certCode)).toHaveLength(3);
  });

  it('when the request is signed with another secret, then UnionPay refuses it, and neither the face, the name, the ID number nor the secret reach the error or the log', async () => {
    const logger = recordingLogger();
    const req = request();
    const err = await failureOf(adapter({ logger, appSecret: 'not-the-secret' }).verify(req));
    expect(err.code).toBe('KYC.UNIONPAY_FACE.REFUSED');
    expect(stub.refusals()).toContain('12');
    expect(stub.calls(req.certCode)).toHaveLength(0);
    for (const secret of [FACE, '孙八', req.certCode, 'not-the-secret', stub.credentials.appSecret]) {
      expect(err.message).not.toContain(secret);
      expect(logger.text()).not.toContain(secret);
    }
  });

  it('when a field is missing or the picture is not base64, then it fails with KYC.UNIONPAY_FACE.BAD_INPUT naming the field, before any call', async () => {
    const missing = request({ authSeq: '' });
    expect(await failureOf(adapter().verify(missing))).toMatchObject({ code: 'KYC.UNIONPAY_FACE.BAD_INPUT', message: 'unionpay-face: authSeq must be a string of 1-512 characters' });
    const notBase64 = request({ faceImage: 'data:image/jpeg;base64,xx' });
    expect((await failureOf(adapter().verify(notBase64))).message).toContain('unionpay-face: faceImage must be a base64 picture');
    expect(stub.calls(missing.certCode)).toHaveLength(0);
    expect(stub.calls(notBase64.certCode)).toHaveLength(0);
  });

  it('when the app\'s UnionPay configuration is incomplete, then the adapter refuses to start naming the variable', () => {
    expect(() => new HttpUnionpayFace({ url: stub.url, appId: '', appSecret: 's', ...TEST_PROVIDER_SETTINGS, logger: recordingLogger() })).toThrow(
      'UNIONPAY_FACE_APP_ID is required when UNIONPAY_FACE_MODE=http',
    );
  });
});
