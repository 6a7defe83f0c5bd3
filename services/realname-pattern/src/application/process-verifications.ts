import { Logger } from '@kyc/core';
import { complete, failed, Outcome, retryDelayMs, Verification } from '../domain/verification';
import { ProcessResult } from '../methods/method';
import { MethodRegistry } from '../methods/registry';
import { VerificationStore } from './ports';

export interface ProcessingOptions {
  leaseMs: number;
  sweepIntervalMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** After this long since the first attempt, a verification still waiting on a provider fails. */
  giveUpMs: number;
}

/**
 * Runs automatic methods in this process: a verification is processed as soon as it starts, and
 * a sweep picks up every open one whose lease has expired and whose next attempt is due, so
 * retries happen and a crash of this service loses nothing (the lease of the crashed attempt
 * simply runs out).
 */
export class ProcessVerifications {
  /** The attempt in flight per verification: a second caller waits for it rather than starting another. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private stopped = false;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly deps: {
      store: VerificationStore;
      methods: MethodRegistry;
      logger: Logger;
      options: ProcessingOptions;
      /** Called once per verification that reached a final state here (metrics). */
      onCompleted?: (v: Verification) => void;
    },
  ) {}

  /** Processes one verification in the background (after its start). */
  kick(id: string): void {
    if (this.stopped) return;
    const run = this.processOne(id).catch((err: Error) => this.deps.logger.error({ verificationId: id, err: err.message }, 'verification processing failed'));
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  startSweep(): { stop(): Promise<void> } {
    const tick = () => {
      if (this.stopped) return;
      this.sweeping = this.sweep()
        .catch((err: Error) => this.deps.logger.warn({ err: err.message }, 'verification sweep failed; will retry'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.deps.options.sweepIntervalMs);
        });
    };
    tick();
    return { stop: () => this.stop() };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.sweeping;
    await Promise.allSettled([...this.running]);
  }

  /** One pass: every due verification, processed concurrently. */
  async sweep(): Promise<void> {
    const processable = this.deps.methods.processable();
    if (processable.length === 0) return;
    const due = await this.deps.store.dueForProcessing(processable, new Date(), 50);
    for (const id of due) if (!this.inFlight.has(id)) this.kick(id);
  }

  /**
   * One attempt: take the lease, run the method, then complete or schedule the next attempt. While
   * an attempt of the same verification runs in this process, resolves when that one ends.
   */
  processOne(id: string): Promise<void> {
    const running = this.inFlight.get(id);
    if (running) return running;
    const attempt = this.attempt(id).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, attempt);
    return attempt;
  }

  private async attempt(id: string): Promise<void> {
    const { store, methods, logger, options } = this.deps;
    const now = new Date();
    const leased = await store.acquireLease(id, options.leaseMs, now);
    if (!leased) return;
    const method = methods.get(leased.verification.method);
    if (!method.process) return;
    let result: ProcessResult;
    try {
      result = await method.process({
        verification: leased.verification,
        claim: leased.claim,
        progress: leased.progress,
        saveProgress: (p) => store.saveProgress(id, p),
        correlationId: leased.correlationId,
      });
    } catch (err) {
      logger.error({ verificationId: id, err: (err as Error).message }, 'verification method failed unexpectedly; will retry');
      result = { kind: 'retry', giveUpCode: 'INTERNAL.ERROR', reason: 'KYC.INTERNAL' };
    }
    if (result.kind === 'complete') return await this.finish(leased.verification, result.outcome, leased.correlationId);

    const firstAttemptAt = leased.firstAttemptAt ?? now;
    const waited = Date.now() - firstAttemptAt.getTime();
    if (result.giveUpCode && waited >= options.giveUpMs) {
      logger.warn({ verificationId: id, reason: result.reason, attempts: leased.attempts + 1 }, 'verification gave up waiting for its provider');
      return await this.finish(leased.verification, failed(result.giveUpCode), leased.correlationId);
    }
    const backOff = retryDelayMs(leased.attempts, options.retryBaseMs, options.retryMaxMs);
    const delay = result.giveUpCode ? Math.min(backOff, Math.max(0, options.giveUpMs - waited)) : backOff;
    await store.scheduleRetry(id, new Date(Date.now() + delay), leased.attempts + 1);
    logger.info({ verificationId: id, reason: result.reason, retryInMs: delay }, 'verification provider unavailable; will retry');
  }

  private async finish(v: Verification, outcome: Outcome, correlationId: string): Promise<void> {
    const { verification, event } = complete(v, outcome, new Date());
    const applied = await this.deps.store.complete(verification, event, correlationId);
    if (!applied) return;
    this.deps.logger.info(
      { verificationId: v.id, subjectId: v.subjectId, method: v.method, state: verification.state, resultCode: verification.resultCode },
      'verification completed',
    );
    this.deps.onCompleted?.(verification);
  }
}
