/**
 * Callback drain: a backlog of pending callbacks stored the way the notifier stores them (its
 * `callbacks` collection: one document per verification, state PENDING, the partner reference and
 * ID number sealed in `sealedDetails` under the context the notifier uses), spread over five
 * partners whose endpoints are local HTTP servers, released at once and drained by the notifier.
 * Phases: all five healthy; then the fifth refusing connections (and hanging until the notifier's
 * timeout). Reported: the first four partners' delivery rate in each phase (the fifth carries the
 * same load in every phase), which is what a dead partner must not take from them.
 *
 * The backlog is inserted due now, in batches (thousands a second, far faster than it drains), and
 * the clock starts with the first batch; each phase's documents are removed afterwards, so every
 * phase starts on an empty collection.
 */
import { randomUUID } from 'node:crypto';
import { createLogger } from '@kyc/core';
import { EventBus } from '@kyc/kafka-bus';
import { CallbackAnswer, CallbackReceiver, MEMBER_OK, WEBHOOK_OK } from '../../support/callback-receiver';
import { idNumber } from '../../support/identities';
import { cpuDuring, sampleRss, sleep, waitForQuiet } from '../bench-kit';
import { Figures } from '../report';
import { BenchContext, deleteInBatches, perOp, platformPids } from './context';
import { CallbackFormat, EndpointSettings, publishPartnerSettings, refusingUrl } from './partner-endpoints';

type Dead = 'refuse' | 'hang';
const PARTNERS = 5;
const INSERT_BATCH = 1_000;

interface DrainPartner extends EndpointSettings {
  receiver?: CallbackReceiver;
  /** Callback ids received (first receipt), and when the last new one arrived. */
  received: Set<string>;
  lastAt: number;
  requests: number;
}

export async function callbackDrain(ctx: BenchContext): Promise<void> {
  const { platform, settings, mongo, cipher } = ctx;
  const bus = new EventBus({ brokers: [ctx.infra.kafkaBrokers], clientId: 'bench-drain', logger: createLogger('bench', 'error'), topicPrefix: platform.topic('') });
  const callbacks = mongo.db(platform.dbName('notifier')).collection('callbacks');
  const receivers: CallbackReceiver[] = [];
  await bus.connect();
  try {
    const perPartner = Math.max(1, Math.round(settings.drainCallbacks / PARTNERS));
    const deliveredText = (f: Figures) =>
      `${f.ops} of ${f.ops + Number(f.extra?.undelivered ?? 0)} delivered${f.extra?.undelivered ? ` within the ${settings.drainDeadlineSeconds} s deadline` : ''}`;

    const phase = async (dead?: Dead): Promise<Figures> => {
      await waitForQuiet(platformPids(platform), settings.pauseSeconds);
      const tag = `drain-${dead ?? 'healthy'}-${randomUUID().slice(0, 6)}`;
      const partners: DrainPartner[] = [];
      for (let i = 0; i < PARTNERS; i++) {
        const format: CallbackFormat = i % 2 === 0 ? 'member' : 'webhooks';
        const p: DrainPartner = { partnerId: `${tag}-${i}`, format, callbackUrl: '', version: 0, received: new Set(), lastAt: 0, requests: 0 };
        const isDead = dead && i === PARTNERS - 1;
        if (isDead && dead === 'refuse') p.callbackUrl = await refusingUrl();
        else {
          const answer: CallbackAnswer = isDead ? 'hang' : format === 'member' ? MEMBER_OK : WEBHOOK_OK;
          p.receiver = await new CallbackReceiver((r) => {
            p.requests += 1;
            const id = format === 'member' ? (r.json?.tx_seq_no as string | undefined) : r.headers['webhook-id'];
            if (id && !p.received.has(id)) {
              p.received.add(id);
              p.lastAt = Date.now();
            }
            return answer;
          }).start();
          receivers.push(p.receiver);
          p.callbackUrl = p.receiver.url();
        }
        await publishPartnerSettings({ bus, mongo, platform, cipher }, p);
        partners.push(p);
      }

      // The first four are measured in every phase; the fifth is healthy in the first, dead in the others.
      const healthy = partners.slice(0, PARTNERS - 1);
      const gotAll = () => healthy.every((p) => p.received.size >= perPartner);
      const notifier = platform.services.notifier.pid!;
      const released = Date.now();
      const now = new Date(released);
      const { value, cpuMs } = await cpuDuring(platformPids(platform), () =>
        sampleRss(notifier, async () => {
          // The backlog, interleaved by partner as it would have been owed.
          let batch: Record<string, unknown>[] = [];
          for (let n = 0; n < perPartner; n++) {
            for (const p of partners) {
              const id = `${p.partnerId}-${n}`;
              const details = { partnerReference: id, callbackUrl: '', idNumber: idNumber('110101', '19900307', n % 990) };
              batch.push({
                _id: id,
                partnerId: p.partnerId,
                verificationId: id,
                subjectId: `subject-${id}`,
                method: 'authority-check',
                succeeded: true,
                resultCode: 'OK',
                completedAt: now,
                eventOccurredAt: now,
                correlationId: '',
                state: 'PENDING',
                attempts: 0,
                ladderStart: 0,
                nextAttemptAt: now,
                createdAt: now,
                sealedDetails: cipher.sealString(JSON.stringify(details), `callback:${id}:details`),
              });
              if (batch.length >= INSERT_BATCH) {
                await callbacks.insertMany(batch as never[], { ordered: false });
                batch = [];
              }
            }
          }
          if (batch.length) await callbacks.insertMany(batch as never[], { ordered: false });
          ctx.log(`  callback drain: ${perPartner * PARTNERS} pending callbacks stored in ${((Date.now() - released) / 1000).toFixed(1)} s (insertMany into the notifier's callbacks collection)`);
          const until = released + settings.drainDeadlineSeconds * 1000;
          while (!gotAll() && Date.now() < until) await sleep(100);
        }),
      );
      const ids = partners.map((p) => p.partnerId);
      const delivered = healthy.reduce((n, p) => n + p.received.size, 0);
      const last = Math.max(...healthy.map((p) => p.lastAt), released);
      const deadPartner = dead ? partners[PARTNERS - 1] : undefined;
      const deadAttempts = deadPartner?.receiver ? deadPartner.requests : await callbacks.countDocuments({ partnerId: deadPartner?.partnerId ?? '', attempts: { $gt: 0 } });

      // Settle: the dead partner inactive, every document of the phase removed.
      if (deadPartner) await publishPartnerSettings({ bus, mongo, platform, cipher }, deadPartner, false);
      await deleteInBatches(callbacks, { partnerId: { $in: ids } });
      const { notifier: notifierMs, ...rest } = perOp(cpuMs, delivered);
      return {
        throughput: delivered / ((last - released) / 1000),
        ops: delivered,
        // Not failures: what the deadline cut off (the rate is of what was delivered by then).
        failed: 0,
        peakRssMb: value.peakKb / 1024,
        cpuMsPerOp: notifierMs,
        cpuMsPerOpBy: { notifier: notifierMs, ...rest },
        extra: { measuredPartners: healthy.length, perPartner, undelivered: healthy.length * perPartner - delivered, deadAttempts },
      };
    };

    const results: { label: string; dead?: Dead; figures: Figures[] }[] = [
      { label: `${perPartner * PARTNERS} pending, all ${PARTNERS} partners healthy`, figures: [] },
      ...settings.drainDeadModes.map((dead) => ({
        label: `${perPartner * PARTNERS} pending, 1 of ${PARTNERS} ${dead === 'refuse' ? 'refuses connections' : `hangs (${settings.callbackTimeoutMs} ms timeout)`}`,
        dead,
        figures: [] as Figures[],
      })),
    ];
    // Phases alternate round by round, like a scenario and its floor.
    for (let round = 0; round < settings.drainRounds; round++) {
      for (const r of results) {
        const f = await phase(r.dead);
        r.figures.push(f);
        ctx.log(`  Callback drain | ${r.label} | round ${round + 1}: ${f.throughput.toFixed(0)} callbacks/s to the measured partners (${deliveredText(f)})`);
      }
    }
    const base = ctx.report.add({
      scenario: 'Callback drain',
      label: results[0].label,
      kind: 'platform',
      unit: 'callbacks/s',
      process: 'notifier',
      rounds: results[0].figures,
      compareBy: 'throughput',
      note: `rate to ${PARTNERS - 1} of the ${PARTNERS} partners; ${deliveredText(results[0].figures[0])}`,
    });
    for (const r of results.slice(1)) {
      const row = ctx.report.add({
        scenario: 'Callback drain',
        label: r.label,
        kind: 'platform',
        unit: 'callbacks/s',
        process: 'notifier',
        rounds: r.figures,
        compareBy: 'throughput',
      });
      const vs = row.median.throughput / base.median.throughput;
      row.vsFloor = [{ floor: 'all healthy', throughput: vs, p50: NaN, p99: NaN }];
      row.note = `rate to the ${PARTNERS - 1} healthy partners; ${deliveredText(r.figures[0])}`;
    }
    ctx.report.write();
  } finally {
    await Promise.all(receivers.map((r) => r.close()));
    await bus.disconnect().catch(() => undefined);
  }
}
