import { PartnersPort, SessionsPort, SessionView, SubjectsPort } from '../../application/ports';
import { cachedPartners, cachedSessions, cachedSubjects } from './read-through-caches';

/** A clock the tests move by hand. */
let clock = 0;
const now = () => clock;
const advance = (ms: number) => (clock += ms);
const session = (expiresInMs: number): SessionView => ({ subjectId: 's1', uid: 1, partnerId: 'p1', expiresAt: new Date(clock + expiresInMs) });

function sessionsPort(answer: () => SessionView | undefined) {
  const port = {
    reads: 0,
    mint: jest.fn(),
    async resolve(): Promise<SessionView | undefined> {
      this.reads++;
      return answer();
    },
  };
  return port as typeof port & SessionsPort;
}

describe('cachedSessions', () => {
  beforeEach(() => (clock = 1_000_000));

  it('when a session is polled, then it is read once per ttl, and read again after', async () => {
    const port = sessionsPort(() => session(3_600_000));
    const sessions = cachedSessions(port, { ttlMs: 5_000, max: 10, now });
    for (let i = 0; i < 20; i++) expect(await sessions.resolve('sid-1')).toMatchObject({ subjectId: 's1' });
    expect(port.reads).toBe(1);
    advance(5_001);
    await sessions.resolve('sid-1');
    expect(port.reads).toBe(2);
  });

  it('when the store stops knowing a session, then the gateway refuses it within the ttl', async () => {
    let live = true;
    const sessions = cachedSessions(
      sessionsPort(() => (live ? session(3_600_000) : undefined)),
      { ttlMs: 5_000, max: 10, now },
    );
    expect(await sessions.resolve('sid-1')).toBeDefined();
    live = false;
    advance(5_001);
    expect(await sessions.resolve('sid-1')).toBeUndefined();
  });

  it('when a cached session reaches its own expiry, then it is refused at once, not at the end of the ttl', async () => {
    const sessions = cachedSessions(sessionsPort(() => session(1_000)), { ttlMs: 60_000, max: 10, now });
    expect(await sessions.resolve('sid-1')).toBeDefined();
    advance(1_001);
    expect(await sessions.resolve('sid-1')).toBeUndefined();
  });

  it('when a credential is unknown, then the miss is not remembered (a session minted elsewhere works at once)', async () => {
    let minted = false;
    const port = sessionsPort(() => (minted ? session(3_600_000) : undefined));
    const sessions = cachedSessions(port, { ttlMs: 5_000, max: 10, now });
    expect(await sessions.resolve('sid-1')).toBeUndefined();
    minted = true;
    expect(await sessions.resolve('sid-1')).toBeDefined();
  });

  it('when concurrent requests carry one credential, then one read serves them all', async () => {
    const port = sessionsPort(() => session(3_600_000));
    const sessions = cachedSessions(port, { ttlMs: 5_000, max: 10, now });
    await Promise.all(Array.from({ length: 10 }, () => sessions.resolve('sid-1')));
    expect(port.reads).toBe(1);
  });

  it('when the ttl is 0, then the port is used as it is', () => {
    const port = sessionsPort(() => undefined);
    expect(cachedSessions(port, { ttlMs: 0, max: 10, now })).toBe(port);
  });

  it('when a value is not a usable credential, then it is passed through uncached', async () => {
    const port = sessionsPort(() => undefined);
    const sessions = cachedSessions(port, { ttlMs: 5_000, max: 10, now });
    await sessions.resolve({ $ne: null });
    await sessions.resolve({ $ne: null });
    expect(port.reads).toBe(2);
  });
});

describe('cachedPartners', () => {
  it('when a partner signs many requests, then it is read once per ttl, and its other methods still reach the store', async () => {
    let reads = 0;
    const port: PartnersPort = {
      find: async (appId) => {
        reads++;
        return { appId, name: 'n', active: true, features: [], callbackUrl: '', secret: () => 's' };
      },
      publicKeyOf: async () => 'PEM',
    };
    const partners = cachedPartners(port, { ttlMs: 5_000, max: 10, now });
    for (let i = 0; i < 5; i++) expect(await partners.find('app-1')).toMatchObject({ appId: 'app-1' });
    expect(reads).toBe(1);
    expect(await partners.publicKeyOf('app-1')).toBe('PEM');
  });
});

describe('cachedSubjects', () => {
  it('when a partner names the same user again, then the subject comes from memory; an unknown user and every write go to the store', async () => {
    const reads: string[] = [];
    const known = new Map([['p1\u0000u1', { subjectId: 's1', uid: 1, partnerId: 'p1' }]]);
    const port: SubjectsPort = {
      findSubject: async (partnerId, userId) => (reads.push(`find ${userId}`), known.get(`${partnerId}\u0000${userId}`)),
      subjectFor: async (partnerId, userId) => (reads.push(`for ${userId}`), { subjectId: `s-${userId}`, uid: 2, partnerId }),
      partnerUserIdOf: async () => 'u1',
      uidOf: async () => 1,
    };
    const subjects = cachedSubjects(port, { ttlMs: 5_000, max: 10 });
    expect(await subjects.findSubject('p1', 'u1')).toMatchObject({ subjectId: 's1' });
    expect(await subjects.findSubject('p1', 'u1')).toMatchObject({ subjectId: 's1' });
    expect(await subjects.findSubject('p2', 'u1')).toBeUndefined();
    expect(await subjects.findSubject('p2', 'u1')).toBeUndefined();
    // Writes always ask the store: nothing is ever recorded under a subject a redaction erased.
    await subjects.subjectFor('p1', 'u9');
    await subjects.subjectFor('p1', 'u9');
    expect(reads).toEqual(['find u1', 'find u1', 'find u1', 'for u9', 'for u9']);
    expect(await subjects.uidOf('s1')).toBe(1);
  });
});
