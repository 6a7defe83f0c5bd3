import mongoose from 'mongoose';
import { SubjectRecordsErasure } from './subject-records-erasure';

function stores() {
  const identities = new Set(['p1/s1', 'p2/s1']);
  const mobiles = [
    { partnerId: 'p1', subjectId: 's1' },
    { partnerId: 'p1', subjectId: 's2' },
  ];
  const erasure = new SubjectRecordsErasure(
    { deleteSubject: async (p, s) => identities.delete(`${p}/${s}`) },
    {
      deleteMany: async (q: { partnerId: string; subjectId: string }) => {
        const before = mobiles.length;
        mobiles.splice(0, mobiles.length, ...mobiles.filter((m) => m.partnerId !== q.partnerId || m.subjectId !== q.subjectId));
        return { deletedCount: before - mobiles.length };
      },
    } as unknown as mongoose.mongo.Collection<mongoose.mongo.Document>,
  );
  return { identities, mobiles, erasure };
}

describe('identity-lookup erasure of a redacted subject', () => {
  it('when the subject has a verified identity and mobile, then both go and other records stay', async () => {
    const s = stores();
    expect(await s.erasure.erase('p1', 's1')).toBe(2);
    expect([...s.identities]).toEqual(['p2/s1']);
    expect(s.mobiles).toEqual([{ partnerId: 'p1', subjectId: 's2' }]);
  });

  it('when it runs again, then it erases nothing', async () => {
    const s = stores();
    await s.erasure.erase('p1', 's1');
    expect(await s.erasure.erase('p1', 's1')).toBe(0);
  });

  it('when the partner or the subject is missing, then it refuses', async () => {
    await expect(stores().erasure.erase('', 's1')).rejects.toMatchObject({ code: 'KYC.IDENTITY.QUERY_INVALID' });
  });
});
