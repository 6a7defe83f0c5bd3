import { createLogger, KycError } from '@kyc/core';
import { createMethodRegistry } from '../methods/registry';
import { IdentityRegistry, VerificationStore } from './ports';
import { StartVerification } from './start-verification';

describe('starting a verification on request', () => {
  it('when the method is manual-review, then it is refused (a case submission starts it) and nothing is stored', async () => {
    const identities: IdentityRegistry = {
      validateIdNumber: jest.fn(async () => ({ valid: true, reasonCode: '' })),
      recordVerifiedIdentity: jest.fn(),
    };
    const store = { insertStarted: jest.fn() } as unknown as VerificationStore;
    const start = new StartVerification({
      store,
      methods: createMethodRegistry({ authority: { check: jest.fn() }, identities }),
      identities,
      onStarted: jest.fn(),
      logger: createLogger('spec', 'silent'),
    });
    await expect(
      start.run({
        subjectId: 's1',
        partnerId: 'p1',
        method: 'manual-review',
        claim: { name: '张三', idNumber: '11010119900307123X', mobile: '' },
        evidenceIds: [],
        partnerReference: '',
        callbackUrl: '',
        idempotencyKey: '',
        correlationId: 'c',
      }),
    ).rejects.toEqual(expect.objectContaining({ code: 'KYC.VERIFICATION.METHOD_NOT_STARTABLE', kind: 'invalid_argument' }) as KycError);
    expect(store.insertStarted).not.toHaveBeenCalled();
  });
});
