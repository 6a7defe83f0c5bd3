import { Counter, Histogram, Registry } from 'prom-client';
import { DeliveryMetrics } from '../../application/ports';

/** Prometheus figures of callback delivery, by partner. */
export class PromCallbackMetrics implements DeliveryMetrics {
  private readonly attempts: Counter<'partner' | 'outcome'>;
  private readonly latency: Histogram<'partner'>;
  private readonly sinceCompleted: Histogram<'partner'>;

  constructor(registry: Registry) {
    this.attempts = new Counter({
      name: 'kyc_callback_attempts_total',
      help: 'Callback delivery attempts by partner and outcome (delivered, failed, gone, throttled)',
      labelNames: ['partner', 'outcome'],
      registers: [registry],
    });
    this.latency = new Histogram({
      name: 'kyc_callback_attempt_seconds',
      help: 'Duration of one callback HTTP attempt',
      labelNames: ['partner'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    this.sinceCompleted = new Histogram({
      name: 'kyc_callback_delivered_after_completion_seconds',
      help: 'Time from the verification completing (event occurred_at) to its callback being delivered',
      labelNames: ['partner'],
      buckets: [0.1, 0.5, 1, 5, 30, 60, 300, 1800, 3600, 21600, 86400],
      registers: [registry],
    });
  }

  attempt(partnerId: string, outcome: string, latencyMs: number): void {
    this.attempts.inc({ partner: partnerId, outcome });
    this.latency.observe({ partner: partnerId }, latencyMs / 1000);
  }

  delivered(partnerId: string, sinceCompletedMs: number): void {
    this.sinceCompleted.observe({ partner: partnerId }, Math.max(0, sinceCompletedMs) / 1000);
  }
}
