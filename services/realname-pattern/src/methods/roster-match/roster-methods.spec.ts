import { IdentityRegistry } from '../../application/ports';
import { RosterDirectory, RosterMember } from '../../application/roster-directory';
import { VerificationMethod } from '../method';
import { beginMethod, runMethod } from '../run-method.fake';
import { rosterImportMethod } from '../roster-import/roster-import-method';
import { rosterRelationMethod } from '../roster-relation/roster-relation-method';
import { rosterWhitelistMethod } from '../roster-whitelist/roster-whitelist-method';

const school = { customerCode: '1001', customerName: '郑州枫杨外国语学校', ecardSchool: false, dpcode: '00000000' };
const member: RosterMember = { memberId: 'm-1', school, outid: '150940', name: '刘大宝', role: 2, departments: [], ecardCustomerId: '' };
const CHILD = { ...member, memberId: 'm-2', outid: '150941', name: '刘小宝', role: 1 };

function roster(over: Partial<RosterDirectory> = {}): RosterDirectory {
  return {
    matchImport: jest.fn(async () => ({ result: 'MATCHED' as const, member, relatives: [{ relation: 'F', member: CHILD }] })),
    matchWhitelist: jest.fn(async () => ({ result: 'MATCHED' as const, member, idNumber: '410102198504120315', relatives: [] })),
    matchRelative: jest.fn(async () => ({ result: 'MATCHED' as const, child: CHILD })),
    ...over,
  };
}
const identities = (conflict = false, valid = true): IdentityRegistry => ({
  validateIdNumber: jest.fn(async () => ({ valid, reasonCode: valid ? '' : 'CHECK_DIGIT' })),
  recordVerifiedIdentity: jest.fn(async () => ({ conflict })),
});

const GUARDIAN = { name: '刘大宝', idNumber: '', mobile: '' };
const begin = (method: VerificationMethod, input: Record<string, string>, claim = GUARDIAN) => beginMethod(method, input, claim);
/** Processing after begin, as the store hands it over: the begun progress and the claim begin chose. */
const run = (method: VerificationMethod, input: Record<string, string>, claim = GUARDIAN) => runMethod(method, input, claim);

describe('roster-import (seed 003 IMPORT)', () => {
  it('when the roster matches, then the member and the people linked to them are handed out and the identity is recorded', async () => {
    const ids = identities();
    const directory = roster();
    const { begun, result } = await run(rosterImportMethod({ roster: directory, identities: ids }), { outid: '150940', customer_code: '1001', role: '2' }, {
      name: '刘大宝',
      idNumber: '410102198504120315',
      mobile: '',
    });
    expect(directory.matchImport).toHaveBeenCalledWith(
      { partnerId: 'p1', customerCode: '1001', outid: '150940', role: 2, name: '刘大宝', idNumber: '410102198504120315' },
      'c',
    );
    expect(JSON.parse(begun.output.member)).toMatchObject({ memberId: 'm-1', school: { customerCode: '1001' } });
    expect(JSON.parse(begun.output.relatives)).toEqual([{ relation: 'F', member: expect.objectContaining({ outid: '150941' }) }]);
    expect(result).toEqual({ kind: 'complete', outcome: { state: 'SUCCEEDED', resultCode: 'OK', providerReference: 'm-1' } });
    expect(ids.recordVerifiedIdentity).toHaveBeenCalledWith(expect.objectContaining({ idNumber: '410102198504120315', method: 'roster-import' }), 'c');
  });

  it('when the roster has another ID number, then the verification fails with ROSTER.ID_MISMATCH and nothing is recorded', async () => {
    const ids = identities();
    const directory = roster({ matchImport: async () => ({ result: 'ID_MISMATCH', relatives: [] }) });
    const { begun, result } = await run(rosterImportMethod({ roster: directory, identities: ids }), { outid: '150940' }, { name: '刘大宝', idNumber: '410102198504120315', mobile: '' });
    expect(begun.output).toEqual({});
    expect(result).toEqual({ kind: 'complete', outcome: { state: 'FAILED', resultCode: 'ROSTER.ID_MISMATCH' } });
    expect(ids.recordVerifiedIdentity).not.toHaveBeenCalled();
  });

  it('when another subject already verified the ID number, then it fails with IDENTITY.CONFLICT', async () => {
    const { result } = await run(rosterImportMethod({ roster: roster(), identities: identities(true) }), { outid: '150940' }, { name: '刘大宝', idNumber: '410102198504120315', mobile: '' });
    expect(result).toMatchObject({ kind: 'complete', outcome: { state: 'FAILED', resultCode: 'IDENTITY.CONFLICT' } });
  });

  it('when the outid or the role is malformed, then nothing starts (INVALID_ARGUMENT)', async () => {
    const method = rosterImportMethod({ roster: roster(), identities: identities() });
    const claim = { name: '刘大宝', idNumber: '410102198504120315', mobile: '' };
    await expect(begin(method, { outid: '15 09' }, claim)).rejects.toMatchObject({ kind: 'invalid_argument', code: 'KYC.VERIFICATION.INVALID_INPUT' });
    await expect(begin(method, { outid: '150940', role: '3' }, claim)).rejects.toMatchObject({ kind: 'invalid_argument' });
    expect(() => method.validateClaim({ name: '刘大宝', idNumber: '', mobile: '' })).toThrow(expect.objectContaining({ code: 'KYC.VERIFICATION.CLAIM_INCOMPLETE' }));
  });
});

describe('roster-whitelist (seed 003 IMPORT-ECARD)', () => {
  it('when outid and name match, then the claim takes the roster ID number, which is recorded', async () => {
    const ids = identities();
    const { begun, result } = await run(rosterWhitelistMethod({ roster: roster(), identities: ids }), { outid: '150940' });
    expect(begun.claim).toEqual({ name: '刘大宝', idNumber: '410102198504120315', mobile: '' });
    expect(result).toMatchObject({ outcome: { state: 'SUCCEEDED' } });
    expect(ids.recordVerifiedIdentity).toHaveBeenCalledWith(expect.objectContaining({ idNumber: '410102198504120315' }), 'c');
  });

  it('when the roster has no ID number for the person, then the roster membership is recorded as what the subject holds', async () => {
    const ids = identities();
    const directory = roster({ matchWhitelist: async () => ({ result: 'MATCHED', member, idNumber: '', relatives: [] }) });
    const { begun, result } = await run(rosterWhitelistMethod({ roster: directory, identities: ids }), { outid: '150943' });
    expect(begun.claim).toEqual({ name: '刘大宝', idNumber: '', mobile: '' });
    expect(result).toMatchObject({ outcome: { state: 'SUCCEEDED' } });
    expect(ids.recordVerifiedIdentity).toHaveBeenCalledWith(expect.objectContaining({ idNumber: 'm-1', rosterMember: true, method: 'roster-whitelist' }), 'c');
  });

  it('when another subject already holds that membership, then it fails with IDENTITY.CONFLICT', async () => {
    const directory = roster({ matchWhitelist: async () => ({ result: 'MATCHED', member, idNumber: '', relatives: [] }) });
    const { result } = await run(rosterWhitelistMethod({ roster: directory, identities: identities(true) }), { outid: '150943' });
    expect(result).toMatchObject({ outcome: { state: 'FAILED', resultCode: 'IDENTITY.CONFLICT', providerReference: 'm-1' } });
  });
});

describe('roster-relation (seed 003 RELATION)', () => {
  const input = { outid: '150941', child_name: '刘小宝', relation: 'f', type: '2', customer_code: '1001' };

  it('when the child lists the guardian with that relation, then the child is handed out as a relative', async () => {
    const directory = roster();
    const { begun, result } = await run(rosterRelationMethod({ roster: directory, identities: identities() }), input);
    expect(directory.matchRelative).toHaveBeenCalledWith(expect.objectContaining({ relation: 'F', guardianName: '刘大宝', checkListedRelative: true }), 'c');
    expect(JSON.parse(begun.output.relatives)).toEqual([{ relation: 'F', member: expect.objectContaining({ name: '刘小宝' }) }]);
    expect(result).toMatchObject({ outcome: { state: 'SUCCEEDED', providerReference: 'm-2' } });
  });

  it("when the guardian gave an ID number, then it is compared by the roster but not kept or registered as proved", async () => {
    const ids = identities();
    const { begun, result } = await run(rosterRelationMethod({ roster: roster(), identities: ids }), input, { name: '王丽', idNumber: '410102198702030425', mobile: '' });
    expect(begun.claim).toEqual({ name: '王丽', idNumber: '', mobile: '' });
    expect(result).toMatchObject({ outcome: { state: 'SUCCEEDED' } });
    expect(ids.recordVerifiedIdentity).not.toHaveBeenCalled();
  });

  it('when the roster lists the guardian under another relation, then it fails with ROSTER.RELATION_MISMATCH', async () => {
    const directory = roster({ matchRelative: async () => ({ result: 'RELATION_MISMATCH' }) });
    const { result } = await run(rosterRelationMethod({ roster: directory, identities: identities() }), input);
    expect(result).toMatchObject({ outcome: { state: 'FAILED', resultCode: 'ROSTER.RELATION_MISMATCH' } });
  });

  it('when the relation code, the type or the guardian ID number is bad, then nothing starts', async () => {
    const method = rosterRelationMethod({ roster: roster(), identities: identities(false, false) });
    await expect(begin(method, { ...input, relation: 'UNCLE' })).rejects.toMatchObject({ code: 'KYC.VERIFICATION.INVALID_INPUT' });
    await expect(begin(method, { ...input, type: '3' })).rejects.toMatchObject({ code: 'KYC.VERIFICATION.INVALID_INPUT' });
    await expect(begin(method, input, { name: '刘大宝', idNumber: '410102198504120316', mobile: '' })).rejects.toMatchObject({
      code: 'KYC.VERIFICATION.INVALID_ID_NUMBER',
    });
  });
});
