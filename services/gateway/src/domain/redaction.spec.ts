import { progressOf, REDACTION_SERVICES } from './redaction';

const record = (done: Record<string, string>) => ({
  redactionId: 'r1',
  partnerId: 'p1',
  subjectId: 's1',
  requestedAt: new Date('2026-12-01T00:00:00Z'),
  completions: new Map(Object.entries(done).map(([k, v]) => [k, new Date(v)])),
});

describe('redaction progress', () => {
  it('when some services have not reported, then it is processing and names them pending', () => {
    const p = progressOf(record({ gateway: '2026-12-01T00:00:01Z', notifier: '2026-12-01T00:00:02Z' }));
    expect(p.status).toBe('processing');
    expect(p.completedAt).toBeUndefined();
    expect(p.services.filter((s) => s.status === 'pending').map((s) => s.service)).toEqual(['photo-storage', 'realname-pattern', 'identity-lookup']);
  });

  it('when every service has reported, then it is completed at the last report', () => {
    const times = Object.fromEntries(REDACTION_SERVICES.map((s, i) => [s, `2026-12-01T00:00:0${i + 1}Z`]));
    const p = progressOf(record(times));
    expect(p.status).toBe('completed');
    expect(p.completedAt?.toISOString()).toBe('2026-12-01T00:00:05.000Z');
  });

  it('when a service the platform does not know reports, then it does not count', () => {
    const p = progressOf(record({ 'some-other': '2026-12-01T00:00:01Z' }));
    expect(p.services.every((s) => s.status === 'pending')).toBe(true);
  });
});
