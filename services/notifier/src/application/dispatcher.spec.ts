import { createLogger } from '@kyc/core';
import { ParkReason } from '../domain/callback';
import { CallbackDispatcher } from './dispatcher';
import { CallbackRecord, CallbackStore, ClaimedCallback, OutgoingCallback, PartnerEndpoint, PartnerEndpointStore } from './ports';

/** The callbacks collection in memory: the claim and park rules of the Mongo repository. */
class MemoryCallbacks implements Partial<CallbackStore> {
  readonly docs = new Map<string, CallbackRecord>();
  candidateReads = 0;

  add(id: string, partnerId: string): void {
    const now = new Date(0);
    this.docs.set(id, {
      callbackId: id,
      verificationId: id,
      subjectId: 's',
      partnerId,
      method: 'authority-check',
      succeeded: true,
      resultCode: 'OK',
      completedAt: now,
      eventOccurredAt: now,
      correlationId: '',
      state: 'PENDING',
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
      hasDetails: true,
      ladderStart: 0,
      resendRequested: false,
    });
  }

  private due(c: CallbackRecord, now: Date) {
    return c.state === 'PENDING' && c.nextAttemptAt <= now && (!c.leaseUntil || c.leaseUntil <= now);
  }

  async dueCandidates(now: Date, exclude: string[], limit: number) {
    this.candidateReads++;
    return [...this.docs.values()]
      .filter((c) => this.due(c, now) && !exclude.includes(c.partnerId))
      .slice(0, limit)
      .map((c) => ({ callbackId: c.callbackId, partnerId: c.partnerId }));
  }

  async claim(id: string, now: Date, leaseUntil: Date): Promise<ClaimedCallback | undefined> {
    const c = this.docs.get(id);
    if (!c || !this.due(c, now)) return undefined;
    c.leaseUntil = leaseUntil;
    return { ...c, details: { partnerReference: `ref-${id}`, callbackUrl: '', idNumber: '' } };
  }

  async park(id: string, reason: ParkReason, attempts: number) {
    Object.assign(this.docs.get(id)!, { state: 'PARKED', parkReason: reason, attempts, leaseUntil: undefined });
  }

  async requeueParked(partnerId: string, reasons: ParkReason[], now: Date) {
    let n = 0;
    for (const c of this.docs.values()) {
      if (c.partnerId === partnerId && c.state === 'PARKED' && reasons.includes(c.parkReason!)) {
        Object.assign(c, { state: 'PENDING', nextAttemptAt: now, parkReason: undefined });
        n++;
      }
    }
    return n;
  }

  async markDelivered(id: string, at: Date, attempts: number) {
    Object.assign(this.docs.get(id)!, { state: 'DELIVERED', deliveredAt: at, attempts, leaseUntil: undefined });
  }

  async scheduleRetry(id: string, at: Date, attempts: number) {
    Object.assign(this.docs.get(id)!, { nextAttemptAt: at, attempts, leaseUntil: undefined });
  }

  async nextDueAt() {
    return undefined;
  }
}

const endpoint = (partnerId: string, version = 1): PartnerEndpoint => ({ partnerId, active: true, callbackUrl: `http://partner.test/${partnerId}`, format: 'STANDARD_WEBHOOKS', version });

function dispatcherWith(callbacks: MemoryCallbacks, endpoints: Partial<PartnerEndpointStore>, sent: OutgoingCallback[], settings: Partial<{ maxInFlight: number; maxInFlightPerPartner: number }> = {}) {
  return new CallbackDispatcher({
    callbacks: callbacks as unknown as CallbackStore,
    endpoints: { secrets: async () => ({ appSecret: 'a', webhookSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }), ...endpoints } as PartnerEndpointStore,
    deliveryLog: { record: async () => undefined, ofCallback: async () => [] },
    verifications: { fetch: async () => ({ partnerReference: '', callbackUrl: '', idNumber: '' }) },
    sender: {
      send: async (c) => {
        sent.push(c);
        return { status: 204, body: '', retryAfter: null };
      },
    },
    metrics: { attempt: () => undefined, delivered: () => undefined },
    logger: createLogger('notifier-test', 'silent'),
    settings: { timeoutMs: 1_000, leaseMs: 5_000, maxInFlight: 64, maxInFlightPerPartner: 4, retryScale: 1, pollIntervalMs: 50, ...settings },
  });
}

async function until(done: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('CallbackDispatcher', () => {
  it("when a partner's settings arrive while an attempt is parking for want of them, then the callback is released and delivered", async () => {
    const callbacks = new MemoryCallbacks();
    callbacks.add('cb-1', 'p1');
    let settings: PartnerEndpoint | undefined;
    let reads = 0;
    const sent: OutgoingCallback[] = [];
    const dispatcher = dispatcherWith(
      callbacks,
      {
        find: async (partnerId) => {
          // The first read misses; the settings (and their requeue, which finds nothing parked yet) land right after it.
          if (reads++ === 0) {
            settings = endpoint(partnerId);
            expect(await callbacks.requeueParked(partnerId, ['no-endpoint'], new Date())).toBe(0);
            return undefined;
          }
          return settings;
        },
      },
      sent,
    );
    dispatcher.start();
    try {
      await until(() => callbacks.docs.get('cb-1')!.state === 'DELIVERED');
      expect(sent.map((s) => s.callbackId)).toEqual(['cb-1']);
    } finally {
      await dispatcher.stop();
    }
  });

  it('when a partner has no settings at all, then its callback stays parked', async () => {
    const callbacks = new MemoryCallbacks();
    callbacks.add('cb-1', 'p1');
    const sent: OutgoingCallback[] = [];
    const dispatcher = dispatcherWith(callbacks, { find: async () => undefined }, sent);
    dispatcher.start();
    try {
      await until(() => callbacks.docs.get('cb-1')!.state === 'PARKED');
      await new Promise((r) => setTimeout(r, 100));
      expect(callbacks.docs.get('cb-1')).toMatchObject({ state: 'PARKED', parkReason: 'no-endpoint' });
      expect(sent).toEqual([]);
    } finally {
      await dispatcher.stop();
    }
  });

  it('when a backlog is owed, then it is read in batches, not once per callback, and every callback is delivered once', async () => {
    const callbacks = new MemoryCallbacks();
    for (let i = 0; i < 600; i++) callbacks.add(`cb-${i}`, `p${i % 3}`);
    const sent: OutgoingCallback[] = [];
    const dispatcher = dispatcherWith(callbacks, { find: async (p) => endpoint(p) }, sent);
    dispatcher.start();
    try {
      await until(() => [...callbacks.docs.values()].every((c) => c.state === 'DELIVERED'));
      expect(new Set(sent.map((s) => s.callbackId)).size).toBe(600);
      expect(sent).toHaveLength(600);
      // 600 callbacks at 256 per batch, plus the looks that find a batch exhausted or the queue empty.
      expect(callbacks.candidateReads).toBeLessThan(60);
    } finally {
      await dispatcher.stop();
    }
  });
});
