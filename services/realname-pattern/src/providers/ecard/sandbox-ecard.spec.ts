import { failureOf } from '@kyc/provider-stubs';
import { SANDBOX_ECARD, SandboxEcard } from './sandbox-ecard';

const sandbox = new SandboxEcard({ timeoutMs: 5 });
const check = (outid: string, password: string = SANDBOX_ECARD.password) => sandbox.verifyPassword({ customerCode: '1001', outid, name: '三五二', password });

describe('sandbox e-card', () => {
  it.each([
    ['350002', SANDBOX_ECARD.password, 'match'],
    ['350002', '654321', 'wrong-password'],
    ['350990', SANDBOX_ECARD.password, 'no-account'],
    ['350991', SANDBOX_ECARD.password, 'name-mismatch'],
    ['350992', SANDBOX_ECARD.password, 'locked'],
  ])('when the outid is %s and the password %s, then it answers %s with a reference that reveals neither', async (outid, password, outcome) => {
    const answer = await check(outid, password);
    expect(answer.outcome).toBe(outcome);
    expect(answer.providerReference).toMatch(/^sandbox-[0-9a-f]{16}$/);
  });

  it.each([
    ['350997', 'KYC.ECARD.TIMEOUT'],
    ['350998', 'KYC.ECARD.UNAVAILABLE'],
  ])('when the outid is %s, then the check fails with the retriable %s', async (outid, code) => {
    expect(await failureOf(check(outid))).toMatchObject({ code, retriable: true });
  });

  it('when the input is not what a school takes, then it is refused as the HTTP adapter refuses it', async () => {
    expect((await failureOf(check('350002', ''))).code).toBe('KYC.ECARD.BAD_INPUT');
  });
});
