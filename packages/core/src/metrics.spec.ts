import { Registry } from 'prom-client';
import { registerSampledGauge } from './metrics';

const spec = { name: 'outbox_pending_documents', help: 'pending', labelNames: ['collection'] as const, timeoutMs: 50 };

describe('sampled gauges', () => {
  it('when two sources share a gauge, then a scrape serves the series of both', async () => {
    const registry = new Registry();
    registerSampledGauge(registry, spec, async () => [{ labels: { collection: 'review_cases' }, value: 3 }]);
    registerSampledGauge(registry, spec, async () => [{ labels: { collection: 'verifications' }, value: 0 }]);
    const text = await registry.metrics();
    expect(text).toContain('outbox_pending_documents{collection="review_cases"} 3');
    expect(text).toContain('outbox_pending_documents{collection="verifications"} 0');
  });

  it('when a source fails or hangs, then the scrape still answers and that source keeps its last value', async () => {
    const registry = new Registry();
    let calls = 0;
    registerSampledGauge(registry, spec, async () => {
      calls++;
      if (calls === 2) throw new Error('database down');
      if (calls === 3) return new Promise(() => undefined);
      return [{ labels: { collection: 'review_cases' }, value: 7 }];
    });
    registerSampledGauge(registry, spec, async () => [{ labels: { collection: 'verifications' }, value: calls }]);
    await registry.metrics();
    expect(await registry.metrics()).toContain('outbox_pending_documents{collection="review_cases"} 7');
    const third = await registry.metrics();
    expect(third).toContain('outbox_pending_documents{collection="review_cases"} 7');
    expect(third).toContain('outbox_pending_documents{collection="verifications"} 3');
  });
});
