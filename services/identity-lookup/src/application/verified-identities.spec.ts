import { checkCharacter } from '../domain/id-card';
import { RegionCatalog } from '../domain/regions';
import { VerifiedIdentity, VerifiedIdentityProof } from '../domain/verified-identity';
import { SaveOutcome, VerifiedIdentities, VerifiedIdentityStore } from './verified-identities';

const idNumber = (seq: string) => {
  const body = `11010119900307${seq}`;
  return body + checkCharacter(body);
};

/** In-memory store with the same uniqueness rules as the Mongo one (per partner: subject, ID number). */
class MemoryStore implements VerifiedIdentityStore {
  readonly rows = new Map<string, VerifiedIdentity>();
  /** Simulates a racing writer: the holder lookup does not see it yet, the unique index does. */
  staleHolderLookup = false;
  private key = (p: string, s: string) => `${p}/${s}`;

  async findBySubject(p: string, s: string) {
    return this.rows.get(this.key(p, s));
  }
  async findByIdNumber(p: string, n: string) {
    return [...this.rows.values()].find((r) => r.partnerId === p && r.idNumber === n);
  }
  async subjectHoldingIdNumber(p: string, n: string) {
    return this.staleHolderLookup ? undefined : (await this.findByIdNumber(p, n))?.subjectId;
  }
  async save(v: VerifiedIdentity): Promise<SaveOutcome> {
    const holder = [...this.rows.values()].find((r) => r.partnerId === v.partnerId && r.idNumber === v.idNumber && r.subjectId !== v.subjectId);
    if (holder) return { saved: false, holderSubjectId: holder.subjectId };
    this.rows.set(this.key(v.partnerId, v.subjectId), v);
    return { saved: true };
  }
  serializeSubject<T>(_p: string, _s: string, fn: () => Promise<T>) {
    return fn();
  }
  async deleteSubject(p: string, s: string) {
    return this.rows.delete(this.key(p, s));
  }
}

const regions = new RegionCatalog([]);
const proof = (over: Partial<VerifiedIdentityProof> = {}): VerifiedIdentityProof => ({
  partnerId: 'p1',
  subjectId: 's1',
  name: '张三',
  idNumber: idNumber('123'),
  documentValidFrom: '',
  documentValidTo: '',
  cardFrontPhotoId: '',
  cardBackPhotoId: '',
  method: 'MANUAL_REVIEW',
  verificationId: 'v1',
  verifiedAt: new Date('2025-01-01T00:00:00Z'),
  ...over,
});

let store: MemoryStore;
let identities: VerifiedIdentities;
beforeEach(() => {
  store = new MemoryStore();
  identities = new VerifiedIdentities(store, regions);
});

describe('recording a verified identity', () => {
  it('when another subject of the partner verified the number, then nothing is recorded and that subject is named', async () => {
    await identities.record(proof());
    const outcome = await identities.record(proof({ subjectId: 's2', verificationId: 'v2' }));
    expect(outcome).toEqual({ conflict: true, conflictingSubjectId: 's1' });
    expect(await identities.find({ partnerId: 'p1', subjectId: 's2' })).toBeUndefined();
  });

  it('when the other subject wins a race the lookup did not see, then the store uniqueness still reports the conflict', async () => {
    await identities.record(proof());
    store.staleHolderLookup = true;
    expect(await identities.record(proof({ subjectId: 's2', verificationId: 'v2' }))).toEqual({ conflict: true, conflictingSubjectId: 's1' });
  });

  it('when another partner verified the same number, then it is recorded for this partner too', async () => {
    await identities.record(proof());
    expect((await identities.record(proof({ partnerId: 'p2', verificationId: 'v2' }))).conflict).toBe(false);
  });

  it('when the subject re-verifies with another number, then the new number replaces the old, which becomes free', async () => {
    await identities.record(proof());
    await identities.record(proof({ idNumber: idNumber('124'), verificationId: 'v2', verifiedAt: new Date('2025-02-01T00:00:00Z') }));
    expect((await identities.find({ partnerId: 'p1', subjectId: 's1' }))?.idNumber).toBe(idNumber('124'));
    expect(await identities.checkIdNumberAvailable('p1', 's9', idNumber('123'))).toEqual({ available: true, conflictingSubjectId: '' });
  });

  it('when the same verification is recorded twice, then the first record stands', async () => {
    await identities.record(proof());
    const again = await identities.record(proof({ name: '李四' }));
    expect(again).toMatchObject({ conflict: false, identity: { name: '张三' } });
  });
});

describe('checking availability and finding', () => {
  it('when the subject itself holds the number, then it is available to it but not to others', async () => {
    await identities.record(proof());
    expect(await identities.checkIdNumberAvailable('p1', 's1', idNumber('123'))).toEqual({ available: true, conflictingSubjectId: '' });
    expect(await identities.checkIdNumberAvailable('p1', 's2', idNumber('123'))).toEqual({ available: false, conflictingSubjectId: 's1' });
  });

  it.each([
    ['neither subject nor number', {}],
    ['both subject and number', { subjectId: 's1', idNumber: idNumber('123') }],
  ])('when the query has %s, then it is refused with KYC.IDENTITY.QUERY_INVALID', async (_what, q) => {
    await expect(identities.find({ partnerId: 'p1', ...q })).rejects.toMatchObject({ code: 'KYC.IDENTITY.QUERY_INVALID', kind: 'invalid_argument' });
  });

  it('when looked up by a lower-case x number, then the identity is found', async () => {
    const body = '11010519491231002';
    await identities.record(proof({ idNumber: `${body}X` }));
    expect((await identities.find({ partnerId: 'p1', idNumber: `${body}x` }))?.subjectId).toBe('s1');
  });
});
