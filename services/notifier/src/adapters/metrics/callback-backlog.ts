import mongoose from 'mongoose';
import { Registry } from 'prom-client';
import { registerSampledGauge } from '@kyc/core';

/**
 * What operators watch to see partners going unnotified: how many callbacks are owed (PENDING,
 * waiting for an attempt or a retry) or given up on (PARKED), and how long the oldest owed one
 * has waited. Read from the `callbacks` collection at scrape time.
 */
export function exposeCallbackBacklog(registry: Registry, callbacks: mongoose.mongo.Collection<mongoose.mongo.Document>): void {
  registerSampledGauge(
    registry,
    { name: 'kyc_callback_backlog', help: 'Callbacks owed (PENDING) or parked after the retry ladder (PARKED)', labelNames: ['state'] },
    async () =>
      Promise.all(
        (['PENDING', 'PARKED'] as const).map(async (state) => ({ labels: { state }, value: await callbacks.countDocuments({ state }) })),
      ),
  );
  registerSampledGauge(
    registry,
    { name: 'kyc_callback_oldest_pending_age_seconds', help: 'Age of the oldest callback still owed (0 when none is)', labelNames: [] },
    async () => {
      const [oldest] = await callbacks.find({ state: 'PENDING' }, { projection: { createdAt: 1 } }).sort({ createdAt: 1 }).limit(1).toArray();
      const age = oldest ? Math.max(0, (Date.now() - new Date(oldest.createdAt as Date).getTime()) / 1_000) : 0;
      return [{ labels: {}, value: age }];
    },
  );
}
