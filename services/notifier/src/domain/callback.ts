import { isMemberNotifyAcknowledged } from './member-notify';
import { parseRetryAfterMs } from './retry-after';

export type CallbackState = 'PENDING' | 'DELIVERED' | 'PARKED';
export type CallbackFormat = 'MEMBER_NOTIFY' | 'STANDARD_WEBHOOKS';

/** Why a callback is parked; the first two end when the partner's settings change. */
export type ParkReason = 'no-endpoint' | 'endpoint-gone' | 'retries-exhausted';

export const PARK_OUTCOMES: Record<ParkReason, string> = {
  'no-endpoint': 'no endpoint',
  'endpoint-gone': 'endpoint disabled by the partner (HTTP 410)',
  'retries-exhausted': 'retries exhausted',
};

/** What one HTTP attempt came to, as the partner's contract defines it. */
export type AttemptVerdict =
  | { kind: 'delivered' }
  /** The endpoint says it is gone for good (HTTP 410): park it and the partner's later callbacks. */
  | { kind: 'gone' }
  /** The partner asks us to slow down (429/502/504): back off its whole queue. */
  | { kind: 'throttled'; retryAfterMs?: number }
  | { kind: 'failed' };

export interface HttpAnswer {
  status: number;
  body: string;
  retryAfter?: string | null;
}

const THROTTLING_STATUSES = new Set([429, 502, 504]);

export function judgeAttempt(format: CallbackFormat, answer: HttpAnswer | undefined, now: Date): AttemptVerdict {
  if (!answer) return { kind: 'failed' };
  if (format === 'MEMBER_NOTIFY') {
    if (isMemberNotifyAcknowledged(answer.status, answer.body)) return { kind: 'delivered' };
  } else if (answer.status >= 200 && answer.status < 300) {
    return { kind: 'delivered' };
  }
  if (answer.status === 410) return { kind: 'gone' };
  if (THROTTLING_STATUSES.has(answer.status)) return { kind: 'throttled', retryAfterMs: parseRetryAfterMs(answer.retryAfter, now) };
  return { kind: 'failed' };
}

/** Host and path of an endpoint, for logs and operators: no query string (it may hold tokens). */
export function endpointLabel(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}
