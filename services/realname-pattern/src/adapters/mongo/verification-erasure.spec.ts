import mongoose from 'mongoose';
import { DocumentLocks } from '@kyc/mongo-kit';
import { VerificationSubjectErasure } from './verification-erasure';

type Row = Record<string, unknown> & { _id: string };
const matches = (row: Row, filter: Record<string, unknown>) => Object.entries(filter).every(([k, v]) => row[k] === v);

/** A collection over rows, recording which ids were deleted while their lock was held. */
function collection(rows: Row[], locks: DocumentLocks, deletedUnderLock: string[]) {
  return {
    find: (filter: Record<string, unknown>) => ({ toArray: async () => rows.filter((r) => matches(r, filter)).map((r) => ({ _id: r._id })) }),
    deleteOne: async (filter: Record<string, unknown>) => {
      const i = rows.findIndex((r) => matches(r, filter));
      if (i < 0) return { deletedCount: 0 };
      // The lock is held: another writer of this document waits for the delete.
      let otherWriterRan = false;
      void locks.run(rows[i]._id, async () => void (otherWriterRan = true));
      await Promise.resolve();
      if (!otherWriterRan) deletedUnderLock.push(rows[i]._id);
      rows.splice(i, 1);
      return { deletedCount: 1 };
    },
  } as unknown as mongoose.mongo.Collection<mongoose.mongo.Document>;
}

function realnamePattern() {
  const locks = new DocumentLocks();
  const underLock: string[] = [];
  const verifications: Row[] = [
    { _id: 'v1', subjectId: 's1', partnerId: 'p1', claimSealed: 'x' },
    { _id: 'v2', subjectId: 's1', partnerId: 'p1' },
    { _id: 'v3', subjectId: 's2', partnerId: 'p1' },
  ];
  const reviewCases: Row[] = [{ _id: 's1', partnerId: 'p1', nameSealed: 'x' }, { _id: 's2', partnerId: 'p1' }];
  const mobileCodes: Row[] = [{ _id: 'c1', subjectId: 's1', partnerId: 'p1' }];
  const erasure = new VerificationSubjectErasure({
    verifications: collection(verifications, locks, underLock),
    reviewCases: collection(reviewCases, locks, underLock),
    mobileCodes: collection(mobileCodes, locks, underLock),
    locks,
  });
  return { verifications, reviewCases, mobileCodes, underLock, erasure };
}

describe('realname-pattern erasure of a redacted subject', () => {
  it('when the subject has verifications, a review case and mobile codes, then all go, each under its document lock', async () => {
    const r = realnamePattern();
    expect(await r.erasure.erase({ redactionId: 'r1', subjectId: 's1', partnerId: 'p1' })).toBe(4);
    expect(r.verifications.map((v) => v._id)).toEqual(['v3']);
    expect(r.reviewCases.map((c) => c._id)).toEqual(['s2']);
    expect(r.mobileCodes).toEqual([]);
    expect(r.underLock.sort()).toEqual(['c1', 's1', 'v1', 'v2']);
  });

  it('when another partner names the subject, then nothing is erased', async () => {
    const r = realnamePattern();
    expect(await r.erasure.erase({ redactionId: 'r1', subjectId: 's1', partnerId: 'p2' })).toBe(0);
    expect(r.verifications).toHaveLength(3);
  });

  it('when it runs again, then it erases nothing', async () => {
    const r = realnamePattern();
    await r.erasure.erase({ redactionId: 'r1', subjectId: 's1', partnerId: 'p1' });
    expect(await r.erasure.erase({ redactionId: 'r1', subjectId: 's1', partnerId: 'p1' })).toBe(0);
  });
});
