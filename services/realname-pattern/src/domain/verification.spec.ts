import { KycError } from '@kyc/core';
import { beginProcessing, canTransition, complete, failed, isFinal, RESULT, retryDelayMs, startVerification, succeeded, VERIFICATION_ERROR } from './verification';

const now = new Date('2026-01-02T03:04:05Z');
const started = () =>
  startVerification(
    { id: 'v1', subjectId: 's1', partnerId: 'p1', method: 'authority-check', evidenceIds: [], partnerReference: 'tx-1', callbackUrl: '' },
    now,
  );

describe('verification state machine', () => {
  it('when a verification starts, then it is STARTED with an unguessable ticket and a Started event carrying ids only', () => {
    const a = started();
    const b = started();
    expect(a.verification.state).toBe('STARTED');
    expect(a.verification.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.verification.ticket).not.toBe(b.verification.ticket);
    expect(a.event).toEqual({ type: 'VerificationStarted', verificationId: 'v1', subjectId: 's1', partnerId: 'p1', method: 'authority-check', startedAt: now });
  });

  it('when processed to a match, then it goes STARTED -> PROCESSING -> SUCCEEDED with result OK and a Completed event', () => {
    const processing = beginProcessing(started().verification, now);
    expect(processing.state).toBe('PROCESSING');
    const later = new Date(now.getTime() + 1_000);
    const { verification, event } = complete(processing, succeeded('order-9'), later);
    expect(verification).toMatchObject({ state: 'SUCCEEDED', resultCode: 'OK', providerReference: 'order-9', completedAt: later });
    expect(event).toMatchObject({ type: 'VerificationCompleted', verificationId: 'v1', state: 'SUCCEEDED', resultCode: 'OK', completedAt: later });
  });

  it('when a started verification is refused before processing, then it may fail directly', () => {
    const { verification } = complete(started().verification, failed(RESULT.identityConflict), now);
    expect(verification.state).toBe('FAILED');
    expect(verification.resultCode).toBe('IDENTITY.CONFLICT');
  });

  it('when a verification is final, then no transition leaves it', () => {
    const done = complete(beginProcessing(started().verification, now), failed(RESULT.authorityMismatch), now).verification;
    expect(isFinal(done.state)).toBe(true);
    for (const outcome of [succeeded(), failed(RESULT.authorityNoRecord)]) {
      expect(() => complete(done, outcome, now)).toThrow(expect.objectContaining({ code: VERIFICATION_ERROR.invalidTransition }) as KycError);
    }
    expect(() => beginProcessing(done, now)).toThrow(KycError);
  });

  it('when a STARTED verification would succeed without processing, then it is refused', () => {
    expect(canTransition('STARTED', 'SUCCEEDED')).toBe(false);
    expect(() => complete(started().verification, succeeded(), now)).toThrow(KycError);
  });

  it('when a success carries a code other than OK, or a failure none, then it is refused', () => {
    const processing = beginProcessing(started().verification, now);
    expect(() => complete(processing, { state: 'SUCCEEDED', resultCode: 'AUTHORITY.MISMATCH' }, now)).toThrow(KycError);
    expect(() => complete(processing, { state: 'FAILED', resultCode: '' }, now)).toThrow(KycError);
  });

  it('when a provider stays unavailable, then retries back off by doubling up to the cap', () => {
    expect([0, 1, 2, 3, 10].map((a) => retryDelayMs(a, 1_000, 5_000))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });
});
