import { transferVerifiedRecords } from './transfer-verified-records';

/** Records by holder, moved as the Mongo stores move them: only from the old holder, replacing the new one's. */
function stores() {
  const identities = new Map<string, string>([['old', 'identity of old'], ['new', 'identity of new']]);
  const mobiles = new Map<string, string>([['old', 'mobile of old']]);
  const mover = (rows: Map<string, string>) => ({
    transfer: jest.fn(async (_p: string, from: string, to: string) => {
      const record = rows.get(from);
      if (record === undefined) return false;
      rows.delete(from);
      rows.set(to, record);
      return true;
    }),
  });
  return { rows: { identities, mobiles }, stores: { identities: mover(identities), mobiles: mover(mobiles) } };
}

const input = { partnerId: 'p1', fromSubjectId: 'old', toSubjectId: 'new' };

describe('transferVerifiedRecords (seed 003 MERGE)', () => {
  it('when the old subject has an identity and a mobile, then both move to the new subject, whose own identity they replace', async () => {
    const s = stores();
    await expect(transferVerifiedRecords(s.stores, input)).resolves.toEqual({ identityMoved: true, mobileMoved: true });
    expect([...s.rows.identities]).toEqual([['new', 'identity of old']]);
    expect([...s.rows.mobiles]).toEqual([['new', 'mobile of old']]);
  });

  it('when the transfer is repeated after it completed, then nothing moves', async () => {
    const s = stores();
    await transferVerifiedRecords(s.stores, input);
    await expect(transferVerifiedRecords(s.stores, input)).resolves.toEqual({ identityMoved: false, mobileMoved: false });
    expect([...s.rows.identities]).toEqual([['new', 'identity of old']]);
  });

  it('when a subject is missing or both are the same, then it is refused and nothing moves', async () => {
    const s = stores();
    await expect(transferVerifiedRecords(s.stores, { ...input, toSubjectId: '' })).rejects.toMatchObject({ code: 'KYC.IDENTITY.TRANSFER_INVALID' });
    await expect(transferVerifiedRecords(s.stores, { ...input, toSubjectId: 'old' })).rejects.toMatchObject({ code: 'KYC.IDENTITY.TRANSFER_INVALID' });
    expect(s.stores.identities.transfer).not.toHaveBeenCalled();
  });
});
