import { VerifiedMobileRegistry } from '../../application/ports';
import { runMethod } from '../run-method.fake';
import { mergeCodePurpose, sendMergeCode, userMergeMethod } from './user-merge-method';

const EMPTY = { name: '', idNumber: '', mobile: '' };

function deps(over: { check?: jest.Mock; transfer?: jest.Mock; number?: string } = {}) {
  const mobiles: VerifiedMobileRegistry & { transferVerifiedRecords: jest.Mock } = {
    recordVerifiedMobile: jest.fn(),
    verifiedNumberOf: jest.fn(async () => over.number),
    transferVerifiedRecords: over.transfer ?? jest.fn(async () => ({ identityMoved: true, mobileMoved: true })),
  };
  const mobileCodes = { send: jest.fn(async () => ({ expiresInSeconds: 300, resendInSeconds: 60 })), checkPurpose: over.check ?? jest.fn(async () => ({ ok: true as const, codeId: 'code-1' })) };
  const logger = { info: jest.fn() };
  return { mobiles, mobileCodes, logger: logger as never, log: logger.info };
}

describe('user-merge (seed 003 MERGE)', () => {
  it('when the code sent for the old user is given, then the old user\'s records move to the subject and the move is logged with ids only', async () => {
    const d = deps();
    const { result } = await runMethod(userMergeMethod(d), { old_subject_id: 'old', code: '123456' }, EMPTY);
    expect(d.mobileCodes.checkPurpose).toHaveBeenCalledWith({ partnerId: 'p1', subjectId: 's1', purpose: mergeCodePurpose('old'), code: '123456' });
    expect(d.mobiles.transferVerifiedRecords).toHaveBeenCalledWith({ partnerId: 'p1', fromSubjectId: 'old', toSubjectId: 's1' }, 'c');
    expect(result).toMatchObject({ kind: 'complete', outcome: { state: 'SUCCEEDED', providerReference: 'code-1' } });
    expect(d.log).toHaveBeenCalledWith({ verificationId: 'v1', partnerId: 'p1', fromSubjectId: 'old', toSubjectId: 's1', identityMoved: true, mobileMoved: true }, 'users merged');
  });

  it('when the code is refused, then it fails with the MOBILE reason and nothing moves', async () => {
    const d = deps({ check: jest.fn(async () => ({ ok: false as const, resultCode: 'MOBILE.WRONG_CODE' })) });
    const { result } = await runMethod(userMergeMethod(d), { old_subject_id: 'old', code: '123456' }, EMPTY);
    expect(result).toMatchObject({ kind: 'complete', outcome: { state: 'FAILED', resultCode: 'MOBILE.WRONG_CODE' } });
    expect(d.mobiles.transferVerifiedRecords).not.toHaveBeenCalled();
  });

  it('when identity-lookup cannot move the records, then processing retries without ever giving up (the merge is decided)', async () => {
    const d = deps({ transfer: jest.fn(async () => Promise.reject(new Error('down'))) });
    const { result } = await runMethod(userMergeMethod(d), { old_subject_id: 'old', code: '123456' }, EMPTY);
    expect(result).toEqual({ kind: 'retry', reason: 'KYC.INTERNAL' });
  });

  it('when the old user is missing or is the subject itself, or the code is not digits, then nothing starts', async () => {
    const d = deps();
    await expect(runMethod(userMergeMethod(d), { code: '123456' }, EMPTY)).rejects.toMatchObject({ code: 'KYC.VERIFICATION.SUBJECT_REQUIRED' });
    await expect(runMethod(userMergeMethod(d), { old_subject_id: 's1', code: '123456' }, EMPTY)).rejects.toMatchObject({ code: 'KYC.VERIFICATION.SUBJECT_REQUIRED' });
    await expect(runMethod(userMergeMethod(d), { old_subject_id: 'old', code: '12ab' }, EMPTY)).rejects.toMatchObject({ code: 'KYC.VERIFICATION.INVALID_INPUT' });
    expect(d.mobileCodes.checkPurpose).not.toHaveBeenCalled();
  });
});

describe('sendMergeCode', () => {
  const input = { partnerId: 'p1', subjectId: 'new', holderSubjectId: 'old', correlationId: 'c' };

  it('when the holder has a verified mobile, then the code goes to it, kept for the asking user under the holder\'s merge purpose', async () => {
    const d = deps({ number: '18012345611' });
    await sendMergeCode(d, input);
    expect(d.mobileCodes.send).toHaveBeenCalledWith({ partnerId: 'p1', subjectId: 'new', mobile: '18012345611', correlationId: 'c', purpose: 'merge:old' });
  });

  it('when the holder has no verified mobile, then FAILED_PRECONDITION and nothing is sent', async () => {
    const d = deps();
    await expect(sendMergeCode(d, input)).rejects.toMatchObject({ code: 'KYC.MOBILE_CODE.NO_VERIFIED_MOBILE' });
    expect(d.mobileCodes.send).not.toHaveBeenCalled();
  });
});
