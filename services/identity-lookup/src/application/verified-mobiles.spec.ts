import { VerifiedMobile } from '../domain/verified-mobile';
import { MobileSaveOutcome, VerifiedMobiles, VerifiedMobileStore } from './verified-mobiles';

/** In-memory store with the Mongo one's uniqueness rules (per partner: subject, number). */
class MemoryStore implements VerifiedMobileStore {
  readonly rows = new Map<string, VerifiedMobile>();
  async findBySubject(p: string, s: string) {
    return this.rows.get(`${p}/${s}`);
  }
  async subjectHoldingMobile(p: string, m: string) {
    return [...this.rows.values()].find((r) => r.partnerId === p && r.mobile === m)?.subjectId;
  }
  async save(v: VerifiedMobile): Promise<MobileSaveOutcome> {
    const holder = await this.subjectHoldingMobile(v.partnerId, v.mobile);
    if (holder && holder !== v.subjectId) return { saved: false, holderSubjectId: holder };
    this.rows.set(`${v.partnerId}/${v.subjectId}`, v);
    return { saved: true };
  }
}

const proof = (over: Partial<VerifiedMobile> = {}): VerifiedMobile => ({
  partnerId: 'p1',
  subjectId: 's1',
  mobile: '18012345611',
  method: 'mobile-code',
  verificationId: 'v1',
  verifiedAt: new Date('2026-01-01T00:00:00Z'),
  ...over,
});

let store: MemoryStore;
let mobiles: VerifiedMobiles;
beforeEach(() => {
  store = new MemoryStore();
  mobiles = new VerifiedMobiles(store);
});

describe('VerifiedMobiles', () => {
  it('when a subject proves a number, then it is shown masked for that subject', async () => {
    await expect(mobiles.record(proof())).resolves.toEqual({ conflict: false });
    await expect(mobiles.find({ partnerId: 'p1', subjectId: 's1' })).resolves.toEqual({ subjectId: 's1', maskedMobile: '180******11' });
    await expect(mobiles.find({ partnerId: 'p1', mobile: '18012345611' })).resolves.toEqual({ subjectId: 's1', maskedMobile: '180******11' });
    await expect(mobiles.find({ partnerId: 'p1', subjectId: 's2' })).resolves.toBeUndefined();
    await expect(mobiles.find({ partnerId: 'p2', mobile: '18012345611' })).resolves.toBeUndefined();
  });

  it('when another subject of the partner holds the number, then it is a conflict naming the holder and nothing is written', async () => {
    await mobiles.record(proof());
    await expect(mobiles.record(proof({ subjectId: 's2', verificationId: 'v2' }))).resolves.toEqual({ conflict: true, conflictingSubjectId: 's1' });
    expect(store.rows.has('p1/s2')).toBe(false);
  });

  it('when a subject of another partner proves the same number, then both hold it', async () => {
    await mobiles.record(proof());
    await expect(mobiles.record(proof({ partnerId: 'p2', verificationId: 'v2' }))).resolves.toEqual({ conflict: false });
  });

  it('when the subject proves a new number later, then it replaces the old one, which becomes free', async () => {
    await mobiles.record(proof());
    await mobiles.record(proof({ mobile: '13800138000', verificationId: 'v2', verifiedAt: new Date('2026-02-01T00:00:00Z') }));
    await expect(mobiles.find({ partnerId: 'p1', subjectId: 's1' })).resolves.toMatchObject({ maskedMobile: '138******00' });
    await expect(mobiles.record(proof({ subjectId: 's2', verificationId: 'v3' }))).resolves.toEqual({ conflict: false });
  });

  it('when an older verification arrives late, then it does not undo the newer number', async () => {
    await mobiles.record(proof({ verificationId: 'v2', verifiedAt: new Date('2026-02-01T00:00:00Z') }));
    await mobiles.record(proof({ mobile: '13800138000', verificationId: 'v1' }));
    await expect(mobiles.find({ partnerId: 'p1', subjectId: 's1' })).resolves.toMatchObject({ maskedMobile: '180******11' });
  });

  it('when a lookup gives both or neither of subject and number, then it is refused', async () => {
    await expect(mobiles.find({ partnerId: 'p1' })).rejects.toMatchObject({ code: 'KYC.IDENTITY.QUERY_INVALID' });
    await expect(mobiles.find({ partnerId: 'p1', subjectId: 's1', mobile: '18012345611' })).rejects.toMatchObject({ code: 'KYC.IDENTITY.QUERY_INVALID' });
  });

  it('when the racing writer wins the store\'s uniqueness, then the loser gets the conflict', async () => {
    jest.spyOn(store, 'subjectHoldingMobile').mockResolvedValueOnce(undefined);
    store.rows.set('p1/s1', proof());
    await expect(mobiles.record(proof({ subjectId: 's2', verificationId: 'v2' }))).resolves.toEqual({ conflict: true, conflictingSubjectId: 's1' });
  });

  it('when the number is not a mainland mobile, then the record is refused naming the field', async () => {
    await expect(mobiles.record(proof({ mobile: '+8618012345611' }))).rejects.toMatchObject({ code: 'KYC.IDENTITY.RECORD_INVALID', message: expect.stringContaining('mobile') });
  });
});
