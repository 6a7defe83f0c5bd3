/**
 * realname-pattern's HTTP ID-authority adapter against a local stub speaking the provider's wire
 * format, driven through the service as a partner's verification would be: what the partner
 * sees (final state and result code) and what reached the authority (calls per ID number).
 */
import { randomUUID } from 'node:crypto';
import { verification } from '@kyc/contracts';
import { Platform, startPlatform } from '@kyc/dev-platform';
import { eventually, infra, uniqueNamespace } from '../support/fixtures';
import { IdAuthorityStub, startIdAuthorityStub } from '@kyc/provider-stubs';
import { clientAs, Rpc, unaryCalls } from '../support/unary-calls';
import { idNumber } from '../support/identities';

const { VerificationState: S } = verification;
const APPCODE = `appcode-${randomUUID()}`;
let stub: IdAuthorityStub;
let platform: Platform;
let client: verification.VerificationServiceClient;

beforeAll(async () => {
  stub = await startIdAuthorityStub();
  platform = await startPlatform({
    ...infra(),
    namespace: uniqueNamespace('idauth'),
    env: {
      ID_AUTHORITY_MODE: 'http',
      ID_AUTHORITY_URL: stub.url,
      ID_AUTHORITY_APPCODE: APPCODE,
      ID_AUTHORITY_TIMEOUT_MS: '1000',
      ID_AUTHORITY_RETRIES: '2',
      ID_AUTHORITY_RETRY_BASE_MS: '50',
      ID_AUTHORITY_BREAKER_VOLUME: '4',
      ID_AUTHORITY_BREAKER_RESET_MS: '4000',
      ID_AUTHORITY_GIVE_UP_MS: '15000',
      VERIFICATION_LEASE_MS: '5000',
      VERIFICATION_SWEEP_INTERVAL_MS: '200',
      VERIFICATION_RETRY_BASE_MS: '200',
      VERIFICATION_RETRY_MAX_MS: '400',
    },
  });
  client = newClient();
});
afterAll(async () => {
  client?.close();
  await platform?.stop();
  await stub?.close();
});

const newClient = () => clientAs(platform, verification.VerificationServiceClient, 'realname-pattern', 'gateway').client;

/** A fresh breaker and clean slate: the breaker is per process. */
async function restartRealnamePattern() {
  await platform.services['realname-pattern'].restart();
  client.close();
  client = newClient();
}

const call = <Req, Res>(rpc: Rpc<Req, Res>, req: Req) => unaryCalls(client)(rpc)(req);

let n = 0;
/** A valid identity the stub has not seen (distinct birth dates). */
const freshId = () => idNumber('110101', `1980${String((n % 12) + 1).padStart(2, '0')}${String((++n % 28) + 1).padStart(2, '0')}`, 100 + n);

async function startCheck(id: string, mobile = '') {
  const res = await call<verification.StartVerificationRequest, verification.StartVerificationResponse>(client.startVerification, {
    subjectId: `subject-${randomUUID()}`,
    partnerId: 'partner-idauth',
    method: 'authority-check',
    claim: { name: '赵六', idNumber: id, mobile },
    evidenceIds: [],
    partnerReference: '',
    callbackUrl: '',
    idempotencyKey: '',
    correlationId: '',
    methodInput: {},
  });
  return res.verification!.verificationId;
}

const getV = async (verificationId: string) =>
  (await call<verification.GetVerificationRequest, verification.GetVerificationResponse>(client.getVerification, { verificationId, includeClaim: false, ticket: '' }))
    .verification!;
const finalState = (verificationId: string, timeoutMs = 40_000) =>
  eventually(async () => {
    const v = await getV(verificationId);
    return v.state === S.VERIFICATION_STATE_SUCCEEDED || v.state === S.VERIFICATION_STATE_FAILED ? v : undefined;
  }, timeoutMs);

/** realname-pattern's ID-authority counter by result, from its /metrics. */
async function authorityChecks(result: string): Promise<number> {
  const body = await (await fetch(`http://127.0.0.1:${platform.services['realname-pattern'].env.METRICS_PORT}/metrics`)).text();
  const line = body.split('\n').find((l) => l.startsWith('kyc_id_authority_checks_total{') && l.includes(`result="${result}"`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('HTTP ID authority adapter', () => {
  it('when the authority answers res=1, then the verification succeeds with its order number, after one two-element call carrying the appcode', async () => {
    const id = freshId();
    const done = await finalState(await startCheck(id));
    expect(done).toMatchObject({ state: S.VERIFICATION_STATE_SUCCEEDED, resultCode: 'OK' });
    expect(done.providerReference).toMatch(/^stub-/);
    const calls = stub.calls(id);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ path: '/verify/idcard', name: '赵六', authorization: `APPCODE ${APPCODE}` });
  });

  it('when a mobile is given, then the three-element endpoint is asked', async () => {
    const id = freshId();
    await finalState(await startCheck(id, '13912345678'));
    expect(stub.calls(id)).toEqual([expect.objectContaining({ path: '/verify/idcard-mobile', mobile: '13912345678' })]);
  });

  it('when the authority answers res=2 or res=3, then the verification fails with AUTHORITY.MISMATCH or AUTHORITY.NO_RECORD', async () => {
    const mismatch = freshId();
    const noRecord = freshId();
    stub.set(mismatch, 'mismatch');
    stub.set(noRecord, 'no-record');
    const [a, b] = await Promise.all([startCheck(mismatch), startCheck(noRecord)]);
    expect(await finalState(a)).toMatchObject({ state: S.VERIFICATION_STATE_FAILED, resultCode: 'AUTHORITY.MISMATCH' });
    expect(await finalState(b)).toMatchObject({ state: S.VERIFICATION_STATE_FAILED, resultCode: 'AUTHORITY.NO_RECORD' });
    expect(stub.calls(mismatch)).toHaveLength(1);
  });

  it('when the authority does not answer in time, then the verification stays open, is retried and succeeds once it answers', async () => {
    await restartRealnamePattern();
    const id = freshId();
    stub.set(id, 'hang', 'match');
    const done = await finalState(await startCheck(id));
    expect(done).toMatchObject({ state: S.VERIFICATION_STATE_SUCCEEDED, resultCode: 'OK' });
    expect(stub.calls(id)).toHaveLength(2);
  });

  it('when the authority answers 503 twice, then the adapter retries within the check and the verification succeeds', async () => {
    const id = freshId();
    stub.set(id, { status: 503 }, { status: 503 }, 'match');
    expect(await finalState(await startCheck(id))).toMatchObject({ state: S.VERIFICATION_STATE_SUCCEEDED, resultCode: 'OK' });
    expect(stub.calls(id)).toHaveLength(3);
  });

  it('when the authority keeps answering 500, then the verification fails with AUTHORITY.UNAVAILABLE once retries run out', async () => {
    await restartRealnamePattern();
    const id = freshId();
    stub.set(id, { status: 500 });
    expect(await finalState(await startCheck(id), 60_000)).toMatchObject({ state: S.VERIFICATION_STATE_FAILED, resultCode: 'AUTHORITY.UNAVAILABLE' });
    expect(stub.calls(id).length).toBeGreaterThan(1);
  });

  it('when the authority keeps failing, then the breaker opens and checks fail fast without reaching it, and a success after the reset closes it', async () => {
    await restartRealnamePattern();
    stub.setDefault({ status: 500 });
    try {
      const ids = [freshId(), freshId(), freshId(), freshId()];
      const started = await Promise.all(ids.map((id) => startCheck(id)));
      await eventually(async () => ((await authorityChecks('breaker-open')) > 0 ? true : undefined));
      const reachedWhileOpen = stub.calls().length;
      const failedFast = await authorityChecks('breaker-open');
      // Verifications keep retrying; while the breaker is open none of those attempts reach the stub.
      await eventually(async () => ((await authorityChecks('breaker-open')) >= failedFast + 3 ? true : undefined));
      expect(stub.calls().length).toBe(reachedWhileOpen);
      for (const id of started) expect((await getV(id)).state).toBe(S.VERIFICATION_STATE_PROCESSING);

      stub.setDefault('match');
      for (const id of started) expect(await finalState(id)).toMatchObject({ state: S.VERIFICATION_STATE_SUCCEEDED, resultCode: 'OK' });
      // The log reaches its file a moment after the service writes it.
      const readLog = () => import('node:fs').then((fs) => fs.readFileSync(platform.services['realname-pattern'].logFile, 'utf8'));
      const log = await eventually(async () => ((await readLog()).includes('circuit breaker closed') ? readLog() : undefined)).catch(readLog);
      expect(log).toContain('circuit breaker opened');
      expect(log).toContain('circuit breaker closed');
      expect(log).not.toContain(APPCODE);
    } finally {
      stub.setDefault('match');
    }
  });
});
