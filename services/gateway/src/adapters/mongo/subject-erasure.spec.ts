import mongoose from 'mongoose';
import { GatewaySubjectErasure } from './subject-erasure';

type Row = Record<string, unknown>;

/** A collection that deletes rows matching every field of the filter. */
function collection(rows: Row[], order: string[], name: string) {
  return {
    deleteMany: async (filter: Row) => {
      order.push(name);
      const keep = rows.filter((r) => !Object.entries(filter).every(([k, v]) => r[k] === v));
      const deletedCount = rows.length - keep.length;
      rows.splice(0, rows.length, ...keep);
      return { deletedCount };
    },
  } as unknown as mongoose.mongo.Collection<mongoose.mongo.Document>;
}

function gateway() {
  const order: string[] = [];
  const data = {
    subjects: [{ _id: 's1', partnerId: 'p1' }, { _id: 's2', partnerId: 'p1' }] as Row[],
    sessions: [{ _id: 'h1', subjectId: 's1' }, { _id: 'h2', subjectId: 's1' }, { _id: 'h3', subjectId: 's2' }] as Row[],
    memberSubmissions: [{ _id: 'm1', partnerId: 'p1', subjectId: 's1' }] as Row[],
    appAuthDrafts: [{ _id: 's1', partnerId: 'p1' }] as Row[],
    mergeAttempts: [{ _id: 'a1', partnerId: 'p1', subjectId: 's2' }] as Row[],
  };
  const erasure = new GatewaySubjectErasure({
    subjects: collection(data.subjects, order, 'subjects'),
    sessions: collection(data.sessions, order, 'sessions'),
    memberSubmissions: collection(data.memberSubmissions, order, 'memberSubmissions'),
    appAuthDrafts: collection(data.appAuthDrafts, order, 'appAuthDrafts'),
    mergeAttempts: collection(data.mergeAttempts, order, 'mergeAttempts'),
  });
  return { data, order, erasure };
}

describe('gateway erasure of a redacted subject', () => {
  it('when the subject has sessions, a submission and a draft, then they go and the subject itself goes last', async () => {
    const { data, order, erasure } = gateway();
    expect(await erasure.erase({ redactionId: 'r1', subjectId: 's1', partnerId: 'p1' })).toBe(5);
    expect(data.sessions.map((s) => s._id)).toEqual(['h3']);
    expect(data.memberSubmissions).toEqual([]);
    expect(data.appAuthDrafts).toEqual([]);
    expect(data.subjects.map((s) => s._id)).toEqual(['s2']);
    expect(data.mergeAttempts).toHaveLength(1);
    expect(order[order.length - 1]).toBe('subjects');
  });

  it('when it runs again, then it erases nothing', async () => {
    const { erasure } = gateway();
    await erasure.erase({ redactionId: 'r1', subjectId: 's1', partnerId: 'p1' });
    expect(await erasure.erase({ redactionId: 'r1', subjectId: 's1', partnerId: 'p1' })).toBe(0);
  });
});
