import { KycError } from '@kyc/core';
import { failureOf } from '@kyc/provider-stubs';
import { SandboxLiveness } from './sandbox-liveness';

/** 17 digits with the given sequence code; the sandbox ignores the check character. */
const id = (seq: string) => `11010119900307${seq}X`;
const sandbox = new SandboxLiveness({ timeoutMs: 5, certifyTtlMs: 60_000 });
const init = (seq: string) => sandbox.init({ subjectRef: 'subject-1', name: '张三', idNumber: id(seq), outerOrderNo: `order${seq}` });

describe('sandbox liveness', () => {
  it.each([
    ['123', 'passed', '200'],
    ['979', 'passed', '200'],
    ['980', 'failed', '204'],
    ['982', 'failed', '204'],
    ['983', 'failed', '205'],
    ['985', 'expired', ''],
    ['986', 'not-finished', ''],
    ['989', 'passed', '200'],
  ])('when the sequence code is %s, then the result is %s (SubCode "%s") under a certify id that does not reveal the ID number', async (seq, outcome, subCode) => {
    const { certifyId } = await init(seq);
    expect(certifyId).not.toContain(id(seq).slice(0, 6));
    expect(await sandbox.result(certifyId)).toEqual({ outcome, subCode, providerReference: certifyId });
  });

  it.each([
    ['987', 'KYC.LIVENESS.UNAVAILABLE'],
    ['988', 'KYC.LIVENESS.TIMEOUT'],
  ])('when the sequence code is %s, then init fails with the retriable %s', async (seq, code) => {
    const err = await failureOf(init(seq));
    expect(err).toBeInstanceOf(KycError);
    expect(err).toMatchObject({ code, retriable: true });
  });

  it('when asked for a certify id it did not make, then it refuses', async () => {
    expect((await failureOf(sandbox.result('f00d'))).code).toBe('KYC.LIVENESS.REFUSED');
  });
});
