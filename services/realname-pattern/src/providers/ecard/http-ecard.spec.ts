import { randomBytes } from 'node:crypto';
import { ECARD_STUB_LOCK_AFTER, EcardStub, TEST_PROVIDER_SETTINGS, failureOf, recordingLogger, startEcardStub } from '@kyc/provider-stubs';
import { EcardPasswordCheck } from './ecard';
import { parseEcardSchools } from './ecard-schools';
import { HttpEcard } from './http-ecard';

let stub: EcardStub;
beforeAll(async () => (stub = await startEcardStub({ '1001': 'aes-256-gcm', '1002': 'plain' })));
afterAll(() => stub.close());

const adapters: HttpEcard[] = [];
afterEach(() => adapters.splice(0).forEach((a) => a.shutdown()));
function adapter(opts: { logger?: ReturnType<typeof recordingLogger>; results?: string[]; schools?: Record<string, object> } = {}) {
  const schools = opts.schools ?? { '1001': stub.school('1001'), '1002': stub.school('1002') };
  const a = new HttpEcard({
    schools: parseEcardSchools(JSON.stringify(schools), 'test'),
    ...TEST_PROVIDER_SETTINGS,
    logger: opts.logger ?? recordingLogger(),
    onResult: (r) => void opts.results?.push(r),
  });
  adapters.push(a);
  return a;
}

let n = 0;
/** A card at the school with the name 三五二 and the password 246810. */
function card(customerCode = '1001'): string {
  const outid = `2024${String(++n).padStart(4, '0')}`;
  stub.setAccount(customerCode, outid, { name: '三五二', password: '246810' });
  return outid;
}
const check = (a: HttpEcard, outid: string, over: Partial<EcardPasswordCheck> = {}) =>
  a.verifyPassword({ customerCode: '1001', outid, name: '三五二', password: '246810', ...over });

describe('HTTP e-card (e-card connector v1) against the stub', () => {
  it('when the school knows the card, the name and the password, then the check matches with the school\'s reference, the password having reached it sealed', async () => {
    const outid = card();
    const results: string[] = [];
    expect(await check(adapter({ results }), outid)).toEqual({ outcome: 'match', providerReference: expect.stringMatching(/^ecard-stub-\d+$/) });
    expect(stub.calls(outid)).toEqual([{ customerCode: '1001', outid, name: '三五二', passwordScheme: 'aes-256-gcm', password: '246810' }]);
    expect(results).toEqual(['match']);
  });

  it('when the school takes plain passwords, then the password reaches it in the plain scheme', async () => {
    const outid = card('1002');
    expect((await check(adapter(), outid, { customerCode: '1002' })).outcome).toBe('match');
    expect(stub.calls(outid)).toEqual([expect.objectContaining({ customerCode: '1002', passwordScheme: 'plain', password: '246810' })]);
  });

  it.each([
    ['the password is wrong', { password: '135790' }, 'wrong-password'],
    ['the name is another person\'s', { name: '李四' }, 'name-mismatch'],
  ])('when %s, then the check answers %s', async (_what, over, outcome) => {
    expect((await check(adapter(), card(), over)).outcome).toBe(outcome);
  });

  it('when the school has no card with the outid, then the check answers no-account', async () => {
    expect((await check(adapter(), 'no-such-card')).outcome).toBe('no-account');
  });

  it('when wrong passwords reach the school\'s lock-out, then the card is locked and even the right password answers locked, each check sent once', async () => {
    const outid = card();
    const a = adapter();
    const outcomes: string[] = [];
    for (let i = 0; i < ECARD_STUB_LOCK_AFTER; i++) outcomes.push((await check(a, outid, { password: '000000' })).outcome);
    outcomes.push((await check(a, outid)).outcome);
    expect(outcomes).toEqual([...Array(ECARD_STUB_LOCK_AFTER).fill('wrong-password'), 'locked']);
    expect(stub.calls(outid)).toHaveLength(ECARD_STUB_LOCK_AFTER + 1);
  });

  it.each([
    ['503', { status: 503 }, 'KYC.ECARD.UNAVAILABLE'],
    ['500', { status: 500 }, 'KYC.ECARD.UNAVAILABLE'],
    ['no answer', 'hang' as const, 'KYC.ECARD.TIMEOUT'],
  ])('when the school answers %s, then the check fails with %s and is not sent again (it may have moved the lock-out counter)', async (_what, behaviour, code) => {
    const outid = card();
    stub.set(outid, behaviour, 'accounts');
    expect(await failureOf(check(adapter(), outid))).toMatchObject({ code, retriable: true });
    expect(stub.calls(outid)).toHaveLength(1);
  });

  it('when the answer is signed with another key, then it is not believed: KYC.ECARD.BAD_ANSWER', async () => {
    const outid = card();
    stub.set(outid, 'forged');
    expect((await failureOf(check(adapter(), outid))).code).toBe('KYC.ECARD.BAD_ANSWER');
  });

  it('when the adapter holds another key, then the connector refuses it and neither the password, the name nor the outid reaches the error or the log', async () => {
    const logger = recordingLogger();
    const outid = card();
    const schools = { '1001': { ...stub.school('1001'), secret: randomBytes(32).toString('base64') } };
    const err = await failureOf(check(adapter({ logger, schools }), outid));
    expect(err).toMatchObject({ code: 'KYC.ECARD.REFUSED', message: expect.stringContaining('bad-signature') });
    expect(stub.calls(outid)).toHaveLength(0);
    for (const secret of ['246810', '三五二', outid]) {
      expect(err.message).not.toContain(secret);
      expect(logger.text()).not.toContain(secret);
    }
  });

  it('when one school\'s system keeps failing, then its breaker opens and checks there fail fast, while another school is still asked', async () => {
    const logger = recordingLogger();
    const results: string[] = [];
    const a = adapter({ logger, results });
    const failing = card();
    stub.set(failing, { status: 500 });
    for (let i = 0; i < 3; i++) await failureOf(check(a, failing));
    expect((await failureOf(check(a, failing))).code).toBe('KYC.ECARD.BREAKER_OPEN');
    expect(stub.calls(failing)).toHaveLength(3);
    expect(logger.text()).toMatch(/"callee":"ecard:1001"\} circuit breaker opened/);

    const other = card('1002');
    expect((await check(a, other, { customerCode: '1002' })).outcome).toBe('match');
    expect(results).toEqual(['error', 'error', 'error', 'breaker-open', 'match']);
  });

  it('when the school has no connector, then the check fails with KYC.ECARD.SCHOOL_NOT_CONNECTED without a call', async () => {
    const outid = card();
    expect(await failureOf(check(adapter(), outid, { customerCode: '9999' }))).toMatchObject({ code: 'KYC.ECARD.SCHOOL_NOT_CONNECTED', kind: 'failed_precondition' });
    expect(stub.calls(outid)).toHaveLength(0);
  });

  it('when the input is not what a school takes, then the check fails with KYC.ECARD.BAD_INPUT naming the field, not its value', async () => {
    const outid = card();
    const err = await failureOf(check(adapter(), outid, { password: '' }));
    expect(err).toMatchObject({ code: 'KYC.ECARD.BAD_INPUT', kind: 'invalid_argument', message: 'ecard: password must be 1-64 printable characters' });
    expect((await failureOf(check(adapter(), 'a/b'))).message).toBe('ecard: outid must be 1-64 letters, digits, _ or -');
    expect(stub.calls(outid)).toHaveLength(0);
  });
});
