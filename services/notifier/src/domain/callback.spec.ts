import { endpointLabel, judgeAttempt } from './callback';

describe('verdict of one callback attempt', () => {
  const now = new Date('2025-01-01T00:00:00Z');

  it('when a member-notify partner answers 200 without {"code":"0000"}, then it is a failed attempt', () => {
    expect(judgeAttempt('MEMBER_NOTIFY', { status: 200, body: 'ok' }, now).kind).toBe('failed');
    expect(judgeAttempt('MEMBER_NOTIFY', { status: 200, body: '{"code":"0000"}' }, now).kind).toBe('delivered');
  });

  it('when a Standard Webhooks partner answers any 2xx, then it is delivered', () => {
    expect(judgeAttempt('STANDARD_WEBHOOKS', { status: 204, body: '' }, now).kind).toBe('delivered');
    expect(judgeAttempt('STANDARD_WEBHOOKS', { status: 500, body: '' }, now).kind).toBe('failed');
  });

  it('when the partner answers 410, then the endpoint is gone', () => {
    expect(judgeAttempt('STANDARD_WEBHOOKS', { status: 410, body: '' }, now).kind).toBe('gone');
  });

  it('when the partner answers 429/502/504, then it is throttled, honouring retry-after', () => {
    expect(judgeAttempt('STANDARD_WEBHOOKS', { status: 429, body: '', retryAfter: '7' }, now)).toEqual({ kind: 'throttled', retryAfterMs: 7000 });
    expect(judgeAttempt('MEMBER_NOTIFY', { status: 502, body: '' }, now)).toEqual({ kind: 'throttled', retryAfterMs: undefined });
    expect(judgeAttempt('MEMBER_NOTIFY', { status: 504, body: '' }, now).kind).toBe('throttled');
  });

  it('when there is no answer, then it is a failed attempt', () => {
    expect(judgeAttempt('MEMBER_NOTIFY', undefined, now).kind).toBe('failed');
  });

  it('when an endpoint is shown, then its query string is left out', () => {
    expect(endpointLabel('https://p.example:8443/hooks/kyc?token=abc')).toBe('p.example:8443/hooks/kyc');
  });
});
