import { Logger } from '@kyc/core';
import { AttemptVerdict, CallbackFormat, endpointLabel, judgeAttempt, PARK_OUTCOMES, ParkReason } from '../domain/callback';
import { buildMemberNotifyBody } from '../domain/member-notify';
import { maskedResponseExcerpt } from '../domain/response-excerpt';
import { nextRetryDelayMs } from '../domain/retry-ladder';
import { buildVerificationWebhook } from '../domain/standard-webhook';
import {
  CallbackDetails,
  CallbackRecord,
  CallbackSender,
  CallbackStore,
  ClaimedCallback,
  DeliveryLog,
  DeliveryMetrics,
  DueCandidate,
  PartnerEndpoint,
  PartnerEndpointStore,
  VerificationDetailsSource,
} from './ports';

const MIN_LOOK_INTERVAL_MS = 25;
/** Due callbacks read per look at the backlog, then claimed one by one (by id). */
const CANDIDATE_BATCH = 256;

export interface DispatcherSettings {
  /** Deadline of one HTTP attempt (the sender enforces it; used here to size leases). */
  timeoutMs: number;
  /** How long a claimed callback stays leased; an expired lease (crashed worker) is claimed again. */
  leaseMs: number;
  /** Callbacks in flight at once, all partners together. */
  maxInFlight: number;
  /** Callbacks in flight at once to one partner: a hanging partner only ever holds these. */
  maxInFlightPerPartner: number;
  /** Multiplies the retry ladder (1 = about a day); tests shrink it. */
  retryScale: number;
  /** Longest sleep between looks for due callbacks. */
  pollIntervalMs: number;
}

export interface DispatcherDeps {
  callbacks: CallbackStore;
  endpoints: PartnerEndpointStore;
  deliveryLog: DeliveryLog;
  verifications: VerificationDetailsSource;
  sender: CallbackSender;
  metrics: DeliveryMetrics;
  logger: Logger;
  settings: DispatcherSettings;
  now?: () => Date;
  random?: () => number;
}

/**
 * Delivers owed callbacks at least once. All state is in the callback documents: a callback is
 * claimed with a lease, and its outcome (delivered, next attempt time, parked) is written after
 * the attempt, so a worker killed mid-attempt leaves a lease that expires and the callback is
 * sent again (the partner dedupes by its stable id).
 *
 * Claims read a batch of due candidates and lease them one at a time by id, so a backlog of
 * tens of thousands is read once per batch, not once per callback.
 *
 * Isolation: claims skip partners that already have `maxInFlightPerPartner` callbacks in flight
 * or that asked us to back off (429/502/504), so a slow or dead partner occupies only its own
 * slots and never the others'.
 */
export class CallbackDispatcher {
  private readonly inFlightByPartner = new Map<string, number>();
  private readonly throttledUntil = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  /** Due callbacks read at the last look, not claimed yet. */
  private candidates: DueCandidate[] = [];
  private inFlight = 0;
  private pumping = false;
  private pumpAgain = false;
  private stopped = true;
  private timer?: NodeJS.Timeout;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly log: Logger;

  constructor(private readonly deps: DispatcherDeps) {
    this.now = deps.now ?? (() => new Date());
    this.random = deps.random ?? Math.random;
    this.log = deps.logger.child({ component: 'callback-dispatcher' });
  }

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Looks for due callbacks now (a new callback was owed, or a slot came free). */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    let failed = false;
    let full = false;
    void this.pump()
      .then((atCapacity) => {
        full = atCapacity;
      })
      .catch((err: Error) => {
        failed = true;
        this.log.warn({ err: err.message }, 'looking for due callbacks failed; will retry');
      })
      .finally(() => {
        this.pumping = false;
        const again = this.pumpAgain && !failed;
        this.pumpAgain = false;
        if (again) this.wake();
        // At capacity, the next attempt to finish wakes the pump: no need to ask when the next is due.
        else void this.scheduleNextLook(failed || full);
      });
  }

  /** Stops claiming and waits for the attempts in flight (each bounded by the HTTP timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.running]);
  }

  /** After a failed look, or at capacity, waits the whole poll interval (the database may be away). */
  private async scheduleNextLook(wholeInterval = false): Promise<void> {
    if (this.stopped) return;
    let waitMs = this.deps.settings.pollIntervalMs;
    if (!wholeInterval) {
      try {
        const now = this.now();
        const due = await this.deps.callbacks.nextDueAt(now, this.excludedPartners(now.getTime()));
        // A floor, so that a callback due "now" that could not be claimed cannot spin this loop.
        if (due) waitMs = Math.min(waitMs, Math.max(MIN_LOOK_INTERVAL_MS, due.getTime() - now.getTime()));
      } catch {
        // keep the poll interval
      }
    }
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), waitMs);
    this.timer.unref?.();
  }

  private excludedPartners(nowMs: number): string[] {
    const out: string[] = [];
    for (const [partner, n] of this.inFlightByPartner) if (n >= this.deps.settings.maxInFlightPerPartner) out.push(partner);
    for (const [partner, until] of this.throttledUntil) {
      if (until > nowMs) out.push(partner);
      else this.throttledUntil.delete(partner);
    }
    return out;
  }

  /** Claims and starts due callbacks until none is left or every slot is taken (then true). */
  private async pump(): Promise<boolean> {
    const s = this.deps.settings;
    while (!this.stopped) {
      if (this.inFlight >= s.maxInFlight) return true;
      const now = this.now();
      const claimed = await this.claimNext(now, new Date(now.getTime() + s.leaseMs), new Set(this.excludedPartners(now.getTime())));
      if (!claimed) return false;
      this.track(claimed.partnerId, +1);
      const run = this.attempt(claimed)
        .catch((err: Error) =>
          // The lease runs out and the callback is tried again: nothing is lost.
          this.log.error({ partnerId: claimed.partnerId, callbackId: claimed.callbackId, err: err.message }, 'callback attempt could not be recorded'),
        )
        .finally(() => {
          this.track(claimed.partnerId, -1);
          this.running.delete(run);
          this.wake();
        });
      this.running.add(run);
    }
    return false;
  }

  /** Leases the next due candidate of a partner with a free slot, reading a new batch when none is left. */
  private async claimNext(now: Date, leaseUntil: Date, excluded: Set<string>): Promise<ClaimedCallback | undefined> {
    const nextFree = () => this.candidates.findIndex((c) => !excluded.has(c.partnerId));
    for (let looked = false; ; looked = true) {
      for (let i = nextFree(); i >= 0; i = nextFree()) {
        const [next] = this.candidates.splice(i, 1);
        // Another worker may have claimed it, or it was rescheduled, since the batch was read.
        const claimed = await this.deps.callbacks.claim(next.callbackId, now, leaseUntil);
        if (claimed) return claimed;
      }
      if (looked) return undefined;
      this.candidates = await this.deps.callbacks.dueCandidates(now, [...excluded], CANDIDATE_BATCH);
      if (this.candidates.length === 0) return undefined;
    }
  }

  private track(partnerId: string, delta: number): void {
    this.inFlight += delta;
    const n = (this.inFlightByPartner.get(partnerId) ?? 0) + delta;
    if (n <= 0) this.inFlightByPartner.delete(partnerId);
    else this.inFlightByPartner.set(partnerId, n);
  }

  private async detailsFor(c: ClaimedCallback, needIdNumber: boolean): Promise<CallbackDetails> {
    const stored = c.details ?? (c.hasDetails ? await this.deps.callbacks.details(c.callbackId) : undefined);
    if (stored && (!needIdNumber || stored.idNumber)) return stored;
    const fetched = await this.deps.verifications.fetch(c.verificationId, c.correlationId, needIdNumber);
    await this.deps.callbacks.saveDetails(c.callbackId, fetched);
    return fetched;
  }

  private async park(c: CallbackRecord, reason: ParkReason, attempts: number, info: { endpoint?: string; format?: CallbackFormat; outcome?: string } = {}) {
    const outcome = info.outcome ?? PARK_OUTCOMES[reason];
    await this.deps.callbacks.park(c.callbackId, reason, attempts, { ...info, outcome });
    this.log.warn({ partnerId: c.partnerId, callbackId: c.callbackId, attempts, reason }, 'callback parked');
  }

  /**
   * Parks the callback for want of usable partner settings (`seen` is what this attempt read).
   * Settings applied meanwhile released nothing (the callback was not parked yet), so after
   * parking it looks at the settings again and releases what is parked if newer ones arrived.
   */
  private async parkWithoutSettings(c: CallbackRecord, seen: PartnerEndpoint | undefined, outcome: string): Promise<void> {
    await this.park(c, 'no-endpoint', c.attempts, { outcome });
    const current = await this.deps.endpoints.find(c.partnerId);
    if (!current?.active || (seen && current.version === seen.version)) return;
    const released = await this.deps.callbacks.requeueParked(c.partnerId, ['no-endpoint'], this.now());
    if (released > 0) this.log.info({ partnerId: c.partnerId, released }, 'partner settings arrived during an attempt; parked callbacks released');
  }

  /** Schedules the next try after a failed attempt, or parks the callback when the ladder is exhausted. */
  private async retryOrPark(c: CallbackRecord, attempt: number, info: { endpoint?: string; format?: CallbackFormat; outcome: string }, minDelayMs = 0) {
    const delay = nextRetryDelayMs(attempt - c.ladderStart, { scale: this.deps.settings.retryScale, random: this.random });
    if (delay === undefined) return this.park(c, 'retries-exhausted', attempt, { ...info, outcome: `${PARK_OUTCOMES['retries-exhausted']}; last: ${info.outcome}` });
    await this.deps.callbacks.scheduleRetry(c.callbackId, new Date(this.now().getTime() + Math.max(delay, minDelayMs)), attempt, info);
  }

  private async attempt(c: ClaimedCallback): Promise<void> {
    const attempt = c.attempts + 1;
    const endpoint = await this.deps.endpoints.find(c.partnerId);
    const format = endpoint?.format;

    let details: CallbackDetails;
    const startedAt = this.now();
    try {
      details = await this.detailsFor(c, format === 'MEMBER_NOTIFY');
    } catch (err) {
      const outcome = `verification details unavailable: ${(err as { code?: string }).code ?? 'error'}`;
      await this.deps.deliveryLog.record({ callbackId: c.callbackId, partnerId: c.partnerId, attempt, startedAt, httpStatus: 0, latencyMs: 0, outcome });
      this.log.warn({ partnerId: c.partnerId, callbackId: c.callbackId, outcome }, 'callback attempt failed before sending');
      return this.retryOrPark(c, attempt, { outcome });
    }

    const url = details.callbackUrl || endpoint?.callbackUrl || '';
    if (!endpoint || !endpoint.active || !url) {
      return this.parkWithoutSettings(c, endpoint, endpoint ? PARK_OUTCOMES['no-endpoint'] : `${PARK_OUTCOMES['no-endpoint']} (no partner settings)`);
    }
    const label = endpointLabel(url);
    if (endpoint.goneUrl === url && !c.resendRequested) return this.park(c, 'endpoint-gone', c.attempts, { endpoint: label, format });
    const secrets = await this.deps.endpoints.secrets(c.partnerId);
    if (!secrets) return this.parkWithoutSettings(c, endpoint, `${PARK_OUTCOMES['no-endpoint']} (no partner secrets)`);

    const sentAt = this.now();
    const body =
      endpoint.format === 'MEMBER_NOTIFY'
        ? buildMemberNotifyBody({
            appId: c.partnerId,
            appSecret: secrets.appSecret,
            succeeded: c.succeeded,
            partnerReference: details.partnerReference,
            idNumber: details.idNumber,
            now: sentAt,
          })
        : buildVerificationWebhook({ ...c, partnerReference: details.partnerReference });

    let verdict: AttemptVerdict;
    let httpStatus = 0;
    let outcome: string;
    try {
      const answer = await this.deps.sender.send(
        { callbackId: c.callbackId, url, format: endpoint.format, body: JSON.stringify(body), webhookSecret: secrets.webhookSecret },
        sentAt,
      );
      httpStatus = answer.status;
      verdict = judgeAttempt(endpoint.format, answer, this.now());
      outcome = `${verdict.kind}: ${maskedResponseExcerpt(answer.body)}`.slice(0, 220);
    } catch (err) {
      verdict = { kind: 'failed' };
      outcome = `no answer: ${(err as { code?: string }).code ?? (err as Error).name ?? 'error'}`;
    }
    const latencyMs = this.now().getTime() - sentAt.getTime();
    await this.deps.deliveryLog.record({ callbackId: c.callbackId, partnerId: c.partnerId, attempt, startedAt: sentAt, httpStatus, latencyMs, outcome });
    this.deps.metrics.attempt(c.partnerId, verdict.kind, latencyMs);
    this.log.info({ partnerId: c.partnerId, callbackId: c.callbackId, attempt, httpStatus, latencyMs, verdict: verdict.kind }, 'callback attempt');

    const info = { endpoint: label, format: endpoint.format, outcome };
    switch (verdict.kind) {
      case 'delivered': {
        const at = this.now();
        await this.deps.callbacks.markDelivered(c.callbackId, at, attempt, info);
        this.deps.metrics.delivered(c.partnerId, at.getTime() - c.eventOccurredAt.getTime());
        if (endpoint.goneUrl === url) {
          // An operator's resend got through: the endpoint is back, release what the 410 parked.
          await this.deps.endpoints.clearGone(c.partnerId, url);
          const released = await this.deps.callbacks.requeueParked(c.partnerId, ['endpoint-gone'], this.now());
          this.log.info({ partnerId: c.partnerId, released }, 'endpoint answers again; parked callbacks released');
        }
        return;
      }
      case 'gone':
        await this.deps.endpoints.markGone(c.partnerId, url, endpoint.version);
        return this.park(c, 'endpoint-gone', attempt, info);
      case 'throttled': {
        const backoff = verdict.retryAfterMs ?? nextRetryDelayMs(Math.min(attempt, 3), { scale: this.deps.settings.retryScale, random: () => 1 }) ?? 0;
        this.throttledUntil.set(c.partnerId, Math.max(this.throttledUntil.get(c.partnerId) ?? 0, this.now().getTime() + backoff));
        return this.retryOrPark(c, attempt, info, backoff);
      }
      default:
        return this.retryOrPark(c, attempt, info);
    }
  }
}
