import { createHmac } from 'node:crypto';

/**
 * Seed 000's signature, the same rule partners use to sign their requests to us:
 * lowercase hex HMAC-SHA1 (key: the partner's app secret) over every field except `sign` whose
 * value is not empty, sorted by name, as `k=v` joined by `&`. Values are sent as strings here.
 */
export function memberNotifyCanonicalString(fields: Record<string, string>): string {
  return Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== '')
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
}

export function signMemberNotify(fields: Record<string, string>, appSecret: string): string {
  return createHmac('sha1', appSecret).update(memberNotifyCanonicalString(fields), 'utf8').digest('hex');
}
