import { failedPrecondition } from '@kyc/core';
import { IdentityRegistry } from '../../application/ports';
import { RosterDirectory, RosterMember } from '../../application/roster-directory';
import { EcardSystem } from '../../providers/ecard/ecard';
import { SandboxEcard } from '../../providers/ecard/sandbox-ecard';
import { VerificationMethod } from '../method';
import { runMethod } from '../run-method.fake';
import { rosterRelationMethod } from '../roster-relation/roster-relation-method';
import { rosterWhitelistMethod } from '../roster-whitelist/roster-whitelist-method';
import { ecardPasswordMethod } from './ecard-password-method';

const ECARD_SCHOOL = { customerCode: '2001', customerName: '郑州一卡通学校', ecardSchool: true, dpcode: '20010000' };
const PLAIN_SCHOOL = { ...ECARD_SCHOOL, customerCode: '1001', ecardSchool: false };
const ID_NUMBER = '410105201006110222';
const person = (outid: string, school = ECARD_SCHOOL): RosterMember => ({ memberId: `m-${outid}`, school, outid, name: '三五二', role: 1, departments: [], ecardCustomerId: 'E1' });

function roster(member: RosterMember): RosterDirectory {
  return {
    matchImport: jest.fn(),
    matchWhitelist: jest.fn(async () => ({ result: 'MATCHED' as const, member, idNumber: ID_NUMBER, relatives: [] })),
    matchRelative: jest.fn(async () => ({ result: 'MATCHED' as const, child: member })),
  };
}
const identities = (): IdentityRegistry => ({
  validateIdNumber: jest.fn(async () => ({ valid: true, reasonCode: '' })),
  recordVerifiedIdentity: jest.fn(async () => ({ conflict: false })),
});
const sandbox = () => {
  const ecard = new SandboxEcard({ timeoutMs: 10 });
  jest.spyOn(ecard, 'verifyPassword');
  return ecard;
};

const run = (method: VerificationMethod, input: Record<string, string>, claim = { name: '三五二', idNumber: '', mobile: '' }) => runMethod(method, input, claim);

describe('ecard-password (seed 003 ECARD)', () => {
  it('when the password is the account holder’s, then it succeeds with the roster’s record and the password is kept nowhere', async () => {
    const ids = identities();
    const ecard = sandbox();
    const { begun, result } = await run(ecardPasswordMethod({ roster: roster(person('350002')), identities: ids, ecard }), { outid: '350002', password: '123456' });
    expect(ecard.verifyPassword).toHaveBeenCalledWith({ customerCode: '2001', outid: '350002', name: '三五二', password: '123456' });
    expect(JSON.parse(begun.output.member)).toMatchObject({ school: { customerCode: '2001', ecardSchool: true } });
    expect(result).toMatchObject({ outcome: { state: 'SUCCEEDED', providerReference: 'm-350002' } });
    expect(ids.recordVerifiedIdentity).toHaveBeenCalledWith(expect.objectContaining({ idNumber: ID_NUMBER, method: 'ecard-password' }), 'c');
    expect(JSON.stringify(begun)).not.toContain('123456');
  });

  it.each([
    ['350002', '654321', 'ECARD.WRONG_PASSWORD'],
    ['350990', '123456', 'ECARD.NO_ACCOUNT'],
    ['350991', '123456', 'ECARD.NAME_MISMATCH'],
    ['350992', '123456', 'ECARD.LOCKED'],
  ])('when the e-card system refuses outid %s, then it fails with %s and no identity is recorded', async (outid, password, code) => {
    const ids = identities();
    const { result } = await run(ecardPasswordMethod({ roster: roster(person(outid)), identities: ids, ecard: sandbox() }), { outid, password });
    expect(result).toMatchObject({ outcome: { state: 'FAILED', resultCode: code } });
    expect(ids.recordVerifiedIdentity).not.toHaveBeenCalled();
  });

  it('when the school runs no e-card system, then it fails with ECARD.NOT_AVAILABLE without asking one', async () => {
    const ecard = sandbox();
    const { result } = await run(ecardPasswordMethod({ roster: roster(person('150940', PLAIN_SCHOOL)), identities: identities(), ecard }), { outid: '150940', password: '123456' });
    expect(result).toMatchObject({ outcome: { state: 'FAILED', resultCode: 'ECARD.NOT_AVAILABLE' } });
    expect(ecard.verifyPassword).not.toHaveBeenCalled();
  });

  it('when the school has no connector configured, then it fails with ECARD.NOT_AVAILABLE', async () => {
    const ecard: EcardSystem = { verifyPassword: async () => Promise.reject(failedPrecondition('KYC.ECARD.SCHOOL_NOT_CONNECTED', 'no connector')) };
    const { result } = await run(ecardPasswordMethod({ roster: roster(person('350002')), identities: identities(), ecard }), { outid: '350002', password: '123456' });
    expect(result).toMatchObject({ outcome: { state: 'FAILED', resultCode: 'ECARD.NOT_AVAILABLE' } });
  });

  it('when the school’s system is down or silent, then the start fails with its retriable error and nothing is decided', async () => {
    const method = ecardPasswordMethod({ roster: roster(person('350998')), identities: identities(), ecard: sandbox() });
    await expect(run(method, { outid: '350998', password: '123456' })).rejects.toMatchObject({ code: 'KYC.ECARD.UNAVAILABLE', retriable: true });
    const silent = ecardPasswordMethod({ roster: roster(person('350997')), identities: identities(), ecard: sandbox() });
    await expect(run(silent, { outid: '350997', password: '123456' })).rejects.toMatchObject({ code: 'KYC.ECARD.TIMEOUT', retriable: true });
  });

  it('when the password is missing, then nothing starts (PASSWORD_REQUIRED) and the roster is not asked', async () => {
    const directory = roster(person('350002'));
    await expect(run(ecardPasswordMethod({ roster: directory, identities: identities(), ecard: sandbox() }), { outid: '350002' })).rejects.toMatchObject({
      kind: 'invalid_argument',
      code: 'KYC.ECARD.PASSWORD_REQUIRED',
    });
    expect(directory.matchWhitelist).not.toHaveBeenCalled();
  });
});

describe('roster-whitelist at an e-card school (seed 003 IMPORT-ECARD with password)', () => {
  it('when the password is right, then it succeeds; when it is wrong, then ECARD.WRONG_PASSWORD; when absent, then nothing starts', async () => {
    const method = rosterWhitelistMethod({ roster: roster(person('350002')), identities: identities(), ecard: sandbox() });
    expect((await run(method, { outid: '350002', password: '123456' })).result).toMatchObject({ outcome: { state: 'SUCCEEDED' } });
    expect((await run(method, { outid: '350002', password: '000000' })).result).toMatchObject({ outcome: { state: 'FAILED', resultCode: 'ECARD.WRONG_PASSWORD' } });
    await expect(run(method, { outid: '350002' })).rejects.toMatchObject({ code: 'KYC.ECARD.PASSWORD_REQUIRED' });
  });

  it('when the school runs no e-card system, then no password is needed and no e-card system is asked', async () => {
    const ecard = sandbox();
    const { result } = await run(rosterWhitelistMethod({ roster: roster(person('150940', PLAIN_SCHOOL)), identities: identities(), ecard }), { outid: '150940' });
    expect(result).toMatchObject({ outcome: { state: 'SUCCEEDED' } });
    expect(ecard.verifyPassword).not.toHaveBeenCalled();
  });
});

describe('roster-relation type 1 (seed 003 RELATION by e-card)', () => {
  const input = { outid: '350002', child_name: '三五二', relation: 'M', type: '1', customer_code: '2001' };
  const guardian = { name: '王丽', idNumber: '', mobile: '' };

  it("when the child's password is right, then the child is found without the guardian being listed and handed out as a relative", async () => {
    const directory = roster(person('350002'));
    const ecard = sandbox();
    const { begun, result } = await run(rosterRelationMethod({ roster: directory, identities: identities(), ecard }), { ...input, password: '123456' }, guardian);
    expect(directory.matchRelative).toHaveBeenCalledWith(expect.objectContaining({ outid: '350002', childName: '三五二', checkListedRelative: false }), 'c');
    expect(ecard.verifyPassword).toHaveBeenCalledWith(expect.objectContaining({ outid: '350002', name: '三五二', customerCode: '2001' }));
    expect(JSON.parse(begun.output.relatives)).toEqual([{ relation: 'M', member: expect.objectContaining({ outid: '350002' }) }]);
    expect(result).toMatchObject({ outcome: { state: 'SUCCEEDED' } });
  });

  it("when the child's password is wrong, then ECARD.WRONG_PASSWORD; without one, then nothing starts", async () => {
    const method = rosterRelationMethod({ roster: roster(person('350002')), identities: identities(), ecard: sandbox() });
    expect((await run(method, { ...input, password: '111111' }, guardian)).result).toMatchObject({ outcome: { state: 'FAILED', resultCode: 'ECARD.WRONG_PASSWORD' } });
    await expect(run(method, input, guardian)).rejects.toMatchObject({ code: 'KYC.ECARD.PASSWORD_REQUIRED' });
  });

  it('when type 2 is asked, then the roster must list the guardian and no e-card system is asked', async () => {
    const directory = roster(person('350002'));
    const ecard = sandbox();
    await run(rosterRelationMethod({ roster: directory, identities: identities(), ecard }), { ...input, type: '2' }, guardian);
    expect(directory.matchRelative).toHaveBeenCalledWith(expect.objectContaining({ checkListedRelative: true }), 'c');
    expect(ecard.verifyPassword).not.toHaveBeenCalled();
  });
});
