import mongoose from 'mongoose';
import { DocumentLocks } from '@kyc/mongo-kit';
import { PhotoSubjectErasure } from './photo-erasure';

function fakeSubjects(docs: Map<string, Record<string, unknown>>) {
  return {
    locks: new DocumentLocks(),
    collection: {
      findOne: async (q: { _id: string }) => docs.get(q._id) ?? null,
      deleteOne: async (q: { _id: string }) => ({ deletedCount: docs.delete(q._id) ? 1 : 0 }),
    } as unknown as mongoose.mongo.Collection<mongoose.mongo.Document>,
  };
}

describe('photo-storage erasure of a redacted subject', () => {
  const front = new mongoose.Types.ObjectId();
  const hand = new mongoose.Types.ObjectId();
  const object = new mongoose.Types.ObjectId();

  it('when the subject has photos and unbound objects, then every blob and the record go', async () => {
    const docs = new Map([['s1', { _id: 's1', partnerId: 'p1', photos: { t0: { fileId: hand, chunks: 2 }, t1: { fileId: front, chunks: 1 } }, objects: [{ fileId: object, chunks: 1 }] }]]);
    const deleted: string[] = [];
    const erasure = new PhotoSubjectErasure(fakeSubjects(docs), { delete: async (id) => void deleted.push(id.toHexString()) });
    expect(await erasure.erase({ redactionId: 'r1', subjectId: 's1', partnerId: 'p1' })).toBe(4);
    expect(deleted.sort()).toEqual([hand, front, object].map((id) => id.toHexString()).sort());
    expect(docs.has('s1')).toBe(false);
  });

  it('when it runs again, then it erases nothing and succeeds', async () => {
    const erasure = new PhotoSubjectErasure(fakeSubjects(new Map()), { delete: async () => undefined });
    expect(await erasure.erase({ redactionId: 'r1', subjectId: 's1', partnerId: 'p1' })).toBe(0);
  });

  it('when the document belongs to another partner, then nothing is touched', async () => {
    const docs = new Map([['s1', { _id: 's1', partnerId: 'p2', photos: { t1: { fileId: front, chunks: 1 } } }]]);
    const erasure = new PhotoSubjectErasure(fakeSubjects(docs), { delete: async () => fail('no blob may be deleted') });
    expect(await erasure.erase({ redactionId: 'r1', subjectId: 's1', partnerId: 'p1' })).toBe(0);
    expect(docs.has('s1')).toBe(true);
  });
});
