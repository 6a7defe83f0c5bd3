import { LRUCache } from 'lru-cache';
import { PartnersPort, SessionsPort, SessionView, SubjectRef, SubjectsPort } from '../../application/ports';

/**
 * Status endpoints are polled in tight loops: without these caches every call reads its session
 * (seeds 001/002/003), its partner (signed seeds 000/004) or its subject (seeds 000/004) from
 * MongoDB before doing any work. A value is reused for at most `ttlMs`, which is therefore the
 * documented bound (AUTH_CACHE_SECONDS) on how late a revoked or erased session, a rotated secret
 * or a deactivated partner stops working on a gateway instance. Misses are never cached: a session
 * minted on another instance works here at once. Concurrent misses for one key share one read.
 */
export interface ReadCacheOptions {
  ttlMs: number;
  /** Entries kept; the least recently used go first. */
  max: number;
  /** Milliseconds clock (tests move it by hand). */
  now?: () => number;
}

type PartnerEntry = NonNullable<Awaited<ReturnType<PartnersPort['find']>>>;

/** A sessions port whose resolve() answers from memory for up to ttlMs, never past the session's own expiry. */
export function cachedSessions<P extends SessionsPort>(port: P, opts: ReadCacheOptions): P {
  if (opts.ttlMs <= 0) return port;
  const now = opts.now ?? Date.now;
  const cache = new LRUCache<string, SessionView>({
    max: opts.max,
    ttl: opts.ttlMs,
    perf: { now },
    ttlResolution: 0,
    fetchMethod: async (sid) => port.resolve(sid),
  });
  const resolve = async (sid: unknown): Promise<SessionView | undefined> => {
    if (typeof sid !== 'string' || sid === '' || sid.length > 200) return port.resolve(sid);
    const session = await cache.fetch(sid);
    if (session && session.expiresAt.getTime() <= now()) {
      cache.delete(sid);
      return undefined;
    }
    return session;
  };
  return withOverride(port, 'resolve', resolve);
}

/** A partners port whose find() answers from memory for up to ttlMs (the sealed secret stays sealed until used). */
export function cachedPartners<P extends PartnersPort>(port: P, opts: ReadCacheOptions): P {
  if (opts.ttlMs <= 0) return port;
  const cache = new LRUCache<string, PartnerEntry>({
    max: opts.max,
    ttl: opts.ttlMs,
    perf: { now: opts.now ?? Date.now },
    ttlResolution: 0,
    fetchMethod: async (appId) => port.find(appId),
  });
  const find = async (appId: string) => (typeof appId === 'string' && appId.length <= 128 ? cache.fetch(appId) : port.find(appId));
  return withOverride(port, 'find', find);
}

/**
 * A subjects port whose findSubject() (the read paths: seed 000 status, seed 004 lookups) remembers
 * which subject a partner's user is. An erased subject's entry lives at most ttlMs and meanwhile
 * finds nothing under it. subjectFor() (writes, session minting) always asks the store, so nothing
 * new is ever recorded under a subject erased by a redaction.
 */
export function cachedSubjects<P extends SubjectsPort>(port: P, opts: ReadCacheOptions): P {
  if (opts.ttlMs <= 0) return port;
  const cache = new LRUCache<string, SubjectRef>({ max: opts.max, ttl: opts.ttlMs, perf: { now: opts.now ?? Date.now }, ttlResolution: 0 });
  return withOverride(port, 'findSubject', async (partnerId: string, partnerUserId: string) => {
    const key = `${partnerId}\u0000${partnerUserId}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const subject = await port.findSubject(partnerId, partnerUserId);
    if (subject) cache.set(key, subject);
    return subject;
  });
}

/** The same object seen through a prototype, with one method replaced: every other method stays the port's own. */
function withOverride<P extends object, K extends keyof P>(port: P, key: K, impl: P[K]): P {
  const view = Object.create(port) as P;
  Object.defineProperty(view, key, { value: impl });
  return view;
}
