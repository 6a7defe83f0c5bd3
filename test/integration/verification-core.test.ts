/**
 * The verification core in realname-pattern, as the gateway (and the notifier) use it over gRPC:
 * one state machine for every method, events on kyc.verification.v1 with ids and codes only,
 * idempotent starts, and processing that survives a crash of the service. The ID authority is the
 * sandbox (deterministic by the ID number's sequence code, see realname-pattern's README).
 */
import { randomUUID } from 'node:crypto';
import { ServiceError, status } from '@grpc/grpc-js';
import { verification } from '@kyc/contracts';
import { Platform } from '@kyc/dev-platform';
import { ERROR_CODE_KEY } from '@kyc/grpc-kit';
import { decodeEnvelope, TOPICS } from '@kyc/kafka-bus';
import { startPlatform } from '@kyc/dev-platform';
import { eventually, infra, readTopic, uniqueNamespace } from '../support/fixtures';
import { clientAs, Rpc, unaryCalls } from '../support/unary-calls';
import { idNumber, withWrongCheckDigit } from '../support/identities';

const { VerificationState: S } = verification;
let platform: Platform;
let client: verification.VerificationServiceClient;

beforeAll(async () => {
  platform = await startPlatform({
    ...infra(),
    namespace: uniqueNamespace('vcore'),
    env: {
      ID_AUTHORITY_MODE: 'sandbox',
      ID_AUTHORITY_TIMEOUT_MS: '4000',
      ID_AUTHORITY_GIVE_UP_MS: '6000',
      VERIFICATION_LEASE_MS: '5000',
      VERIFICATION_SWEEP_INTERVAL_MS: '250',
      VERIFICATION_RETRY_BASE_MS: '250',
      VERIFICATION_RETRY_MAX_MS: '500',
    },
  });
  client = newClient();
});
afterAll(async () => {
  client?.close();
  await platform?.stop();
});

/** realname-pattern's VerificationService, called as the gateway (mutual TLS, the gateway's certificate). */
const newClient = () => clientAs(platform, verification.VerificationServiceClient, 'realname-pattern', 'gateway').client;

const call = <Req, Res>(rpc: Rpc<Req, Res>, req: Req) => unaryCalls(client)(rpc)(req);

const start = (req: Partial<verification.StartVerificationRequest>) =>
  call<verification.StartVerificationRequest, verification.StartVerificationResponse>(client.startVerification, {
    subjectId: `subject-${randomUUID()}`,
    partnerId: 'partner-core',
    method: 'authority-check',
    claim: { name: '王小明', idNumber: idNumber('110101', '19900307', 123), mobile: '' },
    evidenceIds: [],
    partnerReference: '',
    callbackUrl: '',
    idempotencyKey: '',
    correlationId: '',
    methodInput: {},
    ...req,
  });
const get = (verificationId: string, includeClaim = false) =>
  call<verification.GetVerificationRequest, verification.GetVerificationResponse>(client.getVerification, { verificationId, includeClaim, ticket: '' });
const finalState = (verificationId: string, timeoutMs = 30_000) =>
  eventually(async () => {
    const v = (await get(verificationId)).verification!;
    return v.state === S.VERIFICATION_STATE_SUCCEEDED || v.state === S.VERIFICATION_STATE_FAILED ? v : undefined;
  }, timeoutMs);

/** A birth date per test, so ID numbers do not collide between tests (identity-lookup keeps them per partner). */
const birth = (n: number) => `19${70 + n}0${(n % 9) + 1}1${n % 10}`;

describe('verification core over gRPC', () => {
  it('when an authority check of a matching identity starts, then it succeeds with OK and both events carry no personal data', async () => {
    const name = '李雷测试';
    const id = idNumber('110101', birth(1), 123);
    const partnerReference = JSON.stringify({ tx_seq_no: 'tx-001', user_id: id });
    const started = await start({ claim: { name, idNumber: id, mobile: '' }, partnerReference, callbackUrl: 'https://partner.example/cb' });
    expect(started.created).toBe(true);
    const v = started.verification!;
    expect(v.state).toBe(S.VERIFICATION_STATE_STARTED);
    expect(v.ticket.length).toBeGreaterThanOrEqual(32);

    const done = await finalState(v.verificationId);
    expect(done).toMatchObject({ state: S.VERIFICATION_STATE_SUCCEEDED, resultCode: 'OK', partnerReference, callbackUrl: 'https://partner.example/cb' });
    expect(done.providerReference).not.toBe('');
    expect((await get(v.verificationId, true)).claim).toEqual({ name, idNumber: id, mobile: '' });
    expect((await get(v.verificationId, false)).claim).toBeUndefined();

    const records = await eventually(async () => {
      const all = (await readTopic(platform.topic(TOPICS.verification), 1_500)).filter((r) => r.key === v.subjectId);
      return all.length >= 2 ? all : undefined;
    }, 30_000);
    const types = records.map((r) => decodeEnvelope(r.value).type);
    expect(types).toEqual(['kyc.verification.v1.VerificationStarted', 'kyc.verification.v1.VerificationCompleted']);
    const completed = verification.VerificationCompleted.decode(decodeEnvelope(records[1].value).payload);
    expect(completed).toMatchObject({ verificationId: v.verificationId, state: S.VERIFICATION_STATE_SUCCEEDED, resultCode: 'OK' });
    for (const r of records) {
      for (const secret of [name, id, 'tx-001']) expect(r.value.includes(Buffer.from(secret))).toBe(false);
    }
  });

  it('when the authority says the name does not match the ID number, then the verification fails with AUTHORITY.MISMATCH', async () => {
    const { verification: v } = await start({ claim: { name: '韩梅梅', idNumber: idNumber('110101', birth(2), 991), mobile: '' } });
    expect(await finalState(v!.verificationId)).toMatchObject({ state: S.VERIFICATION_STATE_FAILED, resultCode: 'AUTHORITY.MISMATCH' });
  });

  it('when the authority has no record, then the verification fails with AUTHORITY.NO_RECORD', async () => {
    const { verification: v } = await start({ claim: { name: '韩梅梅', idNumber: idNumber('110101', birth(3), 995), mobile: '13800138000' } });
    expect(await finalState(v!.verificationId)).toMatchObject({ state: S.VERIFICATION_STATE_FAILED, resultCode: 'AUTHORITY.NO_RECORD' });
  });

  it('when a partner repeats a start with the same idempotency key, then it gets the same verification with created=false', async () => {
    const req = { partnerId: 'partner-idem', idempotencyKey: `key-${randomUUID()}`, claim: { name: '张三', idNumber: idNumber('110101', birth(4), 123), mobile: '' } };
    const first = await start({ ...req, subjectId: 'subject-idem' });
    const again = await start({ ...req, subjectId: 'subject-idem' });
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.verification!.verificationId).toBe(first.verification!.verificationId);
    const other = await start({ ...req, partnerId: 'partner-other', subjectId: 'subject-idem-2' });
    expect(other.created).toBe(true);
  });

  it('when the ID number is invalid, then the start is INVALID_ARGUMENT KYC.VERIFICATION.INVALID_ID_NUMBER and nothing is started', async () => {
    const subjectId = `subject-${randomUUID()}`;
    const err = (await start({ subjectId, claim: { name: '张三', idNumber: withWrongCheckDigit(idNumber('110101', birth(5), 123)), mobile: '' } }).catch(
      (e: ServiceError) => e,
    )) as ServiceError;
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.metadata.get(ERROR_CODE_KEY)[0]).toBe('KYC.VERIFICATION.INVALID_ID_NUMBER');
    const state = await call<verification.GetSubjectStateRequest, verification.GetSubjectStateResponse>(client.getSubjectState, {
      subjectId,
      method: '',
      includeClaim: false,
      checkNow: false,
    });
    expect(state.found).toBe(false);
  });

  it('when the method is unknown, then the start is INVALID_ARGUMENT KYC.VERIFICATION.UNKNOWN_METHOD', async () => {
    const err = (await start({ method: 'palm-reading' }).catch((e: ServiceError) => e)) as ServiceError;
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.metadata.get(ERROR_CODE_KEY)[0]).toBe('KYC.VERIFICATION.UNKNOWN_METHOD');
  });

  it('when a subject verified twice, then GetSubjectState returns the latest', async () => {
    const subjectId = `subject-${randomUUID()}`;
    const first = await start({ subjectId, claim: { name: '张三', idNumber: idNumber('110101', birth(6), 992), mobile: '' } });
    await finalState(first.verification!.verificationId);
    const second = await start({ subjectId, claim: { name: '张三', idNumber: idNumber('110101', birth(6), 124), mobile: '' } });
    await finalState(second.verification!.verificationId);
    const state = await call<verification.GetSubjectStateRequest, verification.GetSubjectStateResponse>(client.getSubjectState, {
      subjectId,
      method: 'authority-check',
      includeClaim: true,
      checkNow: false,
    });
    expect(state.found).toBe(true);
    expect(state.latest).toMatchObject({ verificationId: second.verification!.verificationId, state: S.VERIFICATION_STATE_SUCCEEDED });
    expect(state.claim?.idNumber).toBe(idNumber('110101', birth(6), 124));
  });

  it('when realname-pattern is killed while a verification waits on a slow authority, then after a restart it still completes', async () => {
    const { verification: v } = await start({ claim: { name: '张三', idNumber: idNumber('110101', birth(7), 997), mobile: '' } });
    await eventually(async () => ((await get(v!.verificationId)).verification!.state === S.VERIFICATION_STATE_PROCESSING ? true : undefined));
    await platform.services['realname-pattern'].stop('SIGKILL');
    await platform.services['realname-pattern'].start();
    client.close();
    client = newClient();
    // The sandbox's 997 never answers: after the crash the sweep takes it up again and the
    // verification gives up with AUTHORITY.UNAVAILABLE instead of staying open forever.
    expect(await finalState(v!.verificationId, 60_000)).toMatchObject({ state: S.VERIFICATION_STATE_FAILED, resultCode: 'AUTHORITY.UNAVAILABLE' });
  });
});
