import mongoose from 'mongoose';
import { DocumentLocks } from '@kyc/mongo-kit';
import { CallbackSubjectErasure } from './callback-erasure';

type Row = Record<string, unknown>;
const matches = (row: Row, filter: Row) => Object.entries(filter).every(([k, v]) => row[k] === v);

function rowsCollection(rows: Row[]) {
  const remove = (filter: Row, one: boolean) => {
    const hit = rows.filter((r) => matches(r, filter)).slice(0, one ? 1 : undefined);
    hit.forEach((r) => rows.splice(rows.indexOf(r), 1));
    return { deletedCount: hit.length };
  };
  return {
    find: (filter: Row) => ({ toArray: async () => rows.filter((r) => matches(r, filter)).map((r) => ({ _id: r._id })) }),
    deleteOne: async (filter: Row) => remove(filter, true),
    deleteMany: async (filter: Row) => remove(filter, false),
  } as unknown as mongoose.mongo.Collection<mongoose.mongo.Document>;
}

function notifier() {
  const callbacks: Row[] = [
    { _id: 'cb1', partnerId: 'p1', subjectId: 's1', state: 'PENDING', sealedDetails: 'x' },
    { _id: 'cb2', partnerId: 'p1', subjectId: 's1', state: 'DELIVERED' },
    { _id: 'cb3', partnerId: 'p1', subjectId: 's2', state: 'PENDING' },
  ];
  const attempts: Row[] = [
    { callbackId: 'cb1', partnerId: 'p1' },
    { callbackId: 'cb3', partnerId: 'p1' },
  ];
  const notifications: Row[] = [{ _id: 'n1', partnerId: 'p1', subjectId: 's1' }];
  const erasure = new CallbackSubjectErasure({
    callbacks: rowsCollection(callbacks),
    deliveryAttempts: rowsCollection(attempts),
    notifications: rowsCollection(notifications),
    locks: new DocumentLocks(),
  });
  return { callbacks, attempts, notifications, erasure };
}

describe('notifier erasure of a redacted subject', () => {
  it('when the subject has queued and delivered callbacks, then they, their delivery log and notifications go', async () => {
    const n = notifier();
    expect(await n.erasure.erase({ redactionId: 'r1', subjectId: 's1', partnerId: 'p1' })).toBe(3);
    expect(n.callbacks.map((c) => c._id)).toEqual(['cb3']);
    expect(n.attempts).toEqual([{ callbackId: 'cb3', partnerId: 'p1' }]);
    expect(n.notifications).toEqual([]);
  });

  it('when it runs again, then it erases nothing', async () => {
    const n = notifier();
    await n.erasure.erase({ redactionId: 'r1', subjectId: 's1', partnerId: 'p1' });
    expect(await n.erasure.erase({ redactionId: 'r1', subjectId: 's1', partnerId: 'p1' })).toBe(0);
  });
});
