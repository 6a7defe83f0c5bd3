/**
 * Submission to callback: seed 000 partners submit members at a fixed arrival rate (open loop:
 * each submission is sent when it is due, whether or not earlier ones were answered); a local
 * partner server receives the signed notifications. The latency of one is from when its
 * submission was due to when its notification arrived. Floor: Kafka's own produce-to-consume
 * round trip on the same broker at the same rate.
 */
import { createPartner, PartnerCredentials, signBody } from '@kyc/dev-platform';
import { idNumber } from '../../support/identities';
import { expectedSign, startNotifyReceiver } from '../../support/member-client';
import { cpuDuring, Latencies, sampleRss, sleep, waitForQuiet } from '../bench-kit';
import { kafkaRoundTrip } from '../floors/kafka-roundtrip';
import { Figures } from '../report';
import { failureText } from './closed-loop';
import { BenchContext, deleteInBatches, perOp, platformPids } from './context';

const REQUEST_TIMEOUT_MS = 10_000;

/** Every member submitted in the run is a different person: one verified identity per ID number and partner. */
let people = 0;
function nextPerson(): string {
  const n = people++;
  const birth = new Date(Date.UTC(1950, 0, 1) + (n % 20_000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  return idNumber('110101', birth, 100 + Math.floor(n / 20_000)); // below 990: the sandbox authority answers match
}

type NotifyReceiver = Awaited<ReturnType<typeof startNotifyReceiver>>;

async function submissionRound(ctx: BenchContext, partner: PartnerCredentials, receiver: NotifyReceiver, round: number, seconds: number): Promise<Figures> {
  const { platform, settings } = ctx;
  const total = Math.round(settings.arrivalRate * seconds);
  const dueAt = new Map<string, number>();
  let refused = 0;
  const failures = new Set<string>();
  const mine = () => receiver.received.filter((r) => dueAt.has(String(r.body.tx_seq_no)));
  // The previous round's backlog (verifications still completing, notifications retried) is not this round's.
  await waitForQuiet(platformPids(platform), settings.pauseSeconds);
  const submitOne = async (i: number) => {
    const tx = `bench-r${round}-${i}-${Date.now().toString(36)}`;
    const body = signBody(partner, {
      user_id: `bench-sub-${tx}`,
      tx_seq_no: tx,
      notify_url: receiver.url,
      member: { id: i + 1, name: '王五', identity_card_number: nextPerson() },
    });
    dueAt.set(tx, Date.now());
    try {
      const res = await fetch(`${platform.gatewayUrl}/api/platform/member/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await res.text();
      if (!text.includes('"code":200')) {
        refused += 1;
        if (failures.size < 3) failures.add(failureText(res.status, text));
      }
    } catch (err) {
      refused += 1;
      if (failures.size < 3) failures.add(failureText((err as Error).name));
    }
  };
  const pids = platformPids(platform);
  const gateway = platform.services.gateway.pid!;
  const { value, cpuMs } = await cpuDuring(pids, () =>
    sampleRss(gateway, async () => {
      const sends: Promise<void>[] = [];
      const t0 = Date.now();
      for (let i = 0; i < total; i++) {
        const wait = t0 + (i * 1000) / settings.arrivalRate - Date.now();
        if (wait > 1) await sleep(wait);
        sends.push(submitOne(i));
      }
      await Promise.all(sends);
      const until = Date.now() + settings.settleSeconds * 1000;
      while (mine().length < total - refused && Date.now() < until) await sleep(100);
      return t0;
    }),
  );
  const t0 = value.value;
  const latencies = new Latencies();
  let badSignatures = 0;
  const received = mine();
  for (const r of received) {
    latencies.record(r.at - dueAt.get(String(r.body.tx_seq_no))!);
    if (r.body.sign !== expectedSign(partner.app_secret, r.body)) badSignatures += 1;
  }
  const last = received.length ? Math.max(...received.map((r) => r.at)) : Date.now();
  const { gateway: gatewayMs, ...rest } = perOp(cpuMs, total);
  return {
    throughput: latencies.count / ((last - t0) / 1000),
    ops: latencies.count,
    failed: total - latencies.count,
    p50Ms: latencies.percentile(50),
    p99Ms: latencies.percentile(99),
    peakRssMb: value.peakKb / 1024,
    cpuMsPerOp: gatewayMs,
    cpuMsPerOpBy: { gateway: gatewayMs, ...rest },
    failures: [...failures],
    extra: { offeredPerSecond: settings.arrivalRate, refused, badSignatures },
  };
}

export async function submissionToCallback(ctx: BenchContext): Promise<void> {
  const { settings } = ctx;
  const partner = await createPartner(ctx.platform, 'bench submissions', 'member-verify');
  // One partner server for every round: a notification that comes after its round's wait still finds it.
  const receiver = await startNotifyReceiver();
  try {
    // Warm-up at the same rate for a few seconds (JIT, connections, consumer groups settled), not reported.
    await submissionRound(ctx, partner, receiver, 0, Math.min(3, settings.arrivalSeconds));
    await ctx.report.compare(
      'Submission → callback',
      [
        {
          label: `seed 000 member/verify → signed notification, ${settings.arrivalRate}/s for ${settings.arrivalSeconds} s`,
          kind: 'platform',
          unit: 'callbacks/s',
          process: 'gateway',
          run: (round) => submissionRound(ctx, partner, receiver, round, settings.arrivalSeconds),
        },
        {
          label: 'Kafka produce → consume',
          kind: 'floor',
          unit: 'records/s',
          process: 'broker',
          run: async () => {
            await waitForQuiet(platformPids(ctx.platform), settings.pauseSeconds);
            return kafkaRoundTrip({ brokers: ctx.infra.kafkaBrokers, ratePerSecond: settings.arrivalRate, seconds: settings.arrivalSeconds });
          },
        },
      ],
      settings.rounds,
      'latency',
    );
  } finally {
    await receiver.close();
    // What is still owed to this partner would otherwise be retried during the next scenarios.
    await deleteInBatches(ctx.mongo.db(ctx.platform.dbName('notifier')).collection('callbacks'), { partnerId: partner.app_id, state: { $ne: 'DELIVERED' } });
  }
}
