import { Counter, Histogram, Registry } from 'prom-client';
import { Verification } from '../../domain/verification';

/** Operator-facing figures of the verification core (served on METRICS_PORT). */
export function verificationMetrics(registry: Registry) {
  const completed = new Counter({
    name: 'kyc_verifications_completed_total',
    help: 'Verifications that reached a final state, by method and result code',
    labelNames: ['method', 'result_code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'kyc_verification_duration_seconds',
    help: 'Time from a verification start to its final state',
    labelNames: ['method'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 86400],
    registers: [registry],
  });
  const authority = new Counter({
    name: 'kyc_id_authority_checks_total',
    help: 'ID authority checks by result: match, mismatch, no-record, error, breaker-open (fails fast without a request)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  return {
    onCompleted(v: Verification) {
      completed.inc({ method: v.method, result_code: v.resultCode });
      if (v.completedAt) duration.observe({ method: v.method }, (v.completedAt.getTime() - v.createdAt.getTime()) / 1_000);
    },
    onAuthorityResult(result: string) {
      authority.inc({ result });
    },
  };
}
