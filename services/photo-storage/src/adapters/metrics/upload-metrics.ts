import { Counter, Histogram, Registry } from 'prom-client';

/** Outcome label values: a small fixed set, never anything taken from the request. */
export type UploadOutcome =
  | 'stored'
  | 'too_large'
  | 'not_an_image'
  | 'truncated'
  | 'corrupt'
  | 'bad_dimensions'
  | 'empty'
  | 'locked'
  | 'invalid_request'
  | 'cancelled'
  | 'error';

export interface UploadMetrics {
  observe(outcome: UploadOutcome, bytes: number, seconds: number): void;
}

export function createUploadMetrics(registry: Registry): UploadMetrics {
  const total = new Counter({
    name: 'photo_uploads_total',
    help: 'Photo uploads by outcome (stored, or why not)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const size = new Histogram({
    name: 'photo_upload_bytes',
    help: 'Bytes received per photo upload, by outcome',
    labelNames: ['outcome'],
    buckets: [16e3, 64e3, 256e3, 1e6, 2e6, 5e6, 10e6, 20e6],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'photo_upload_duration_seconds',
    help: 'Time from the first upload message to the answer, by outcome',
    labelNames: ['outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return {
    observe(outcome, bytes, seconds) {
      total.inc({ outcome });
      size.observe({ outcome }, bytes);
      duration.observe({ outcome }, seconds);
    },
  };
}
