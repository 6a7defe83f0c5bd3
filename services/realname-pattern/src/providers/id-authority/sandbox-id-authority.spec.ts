import { KycError } from '@kyc/core';
import { SandboxIdAuthority } from './sandbox-id-authority';

/** 17 digits with the given sequence code; the sandbox ignores the check character. */
const id = (seq: string) => `11010119900307${seq}X`;
const sandbox = new SandboxIdAuthority({ timeoutMs: 5 });

describe('sandbox ID authority', () => {
  it.each([
    ['990', 'mismatch'],
    ['994', 'mismatch'],
    ['995', 'no-record'],
    ['996', 'no-record'],
    ['123', 'match'],
    ['989', 'match'],
    ['999', 'match'],
  ])('when the sequence code is %s, then it answers %s with a reference that does not reveal the ID number', async (seq, outcome) => {
    const answer = await sandbox.check({ name: '张三', idNumber: id(seq) });
    expect(answer.outcome).toBe(outcome);
    expect(answer.providerReference).toMatch(/^sandbox-[0-9a-f]{16}$/);
  });

  it.each(['997', '998'])('when the sequence code is %s, then it fails with a retriable error', async (seq) => {
    const err = (await sandbox.check({ name: '张三', idNumber: id(seq) }).catch((e: unknown) => e)) as KycError;
    expect(err).toBeInstanceOf(KycError);
    expect(err.retriable).toBe(true);
  });
});
