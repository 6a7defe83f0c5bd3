import { SessionView } from '../application/ports';

/**
 * Object keys this store accepts: what photo-storage stores as given, so a conservative alphabet,
 * no empty segments (`a//b`) and no `.`/`..` segments.
 */
export function isObjectKey(key: string): boolean {
  return /^[A-Za-z0-9._/-]{1,256}$/.test(key) && key.split('/').every((segment) => segment !== '' && !/^\.+$/.test(segment));
}

/** Every subject's prefix lies under this root; no partner contract serves a path under it. */
export const OBJECT_KEY_ROOT = 'auth/';

/** A subject's own object prefix: its seed 001 uid, which the app already knows. */
export const prefixOf = (session: Pick<SessionView, 'uid'>) => `${OBJECT_KEY_ROOT}${session.uid}/`;
