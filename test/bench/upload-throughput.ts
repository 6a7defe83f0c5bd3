/**
 * Upload throughput of seed 002 submit_photo through the real stack, and the gateway's memory
 * while it streams: 20 concurrent uploads of a 5 MB JPEG (one per user), in a few rounds.
 *
 *   npm run bench -w @kyc/integration-tests
 *
 * Uses running dev services when KYC_TEST_KAFKA_BROKERS and KYC_TEST_MONGO_URL are set,
 * otherwise starts them (and stops them at the end). Prints MB/s, uploads/s, and the gateway's
 * peak RSS sampled from /proc/<pid>/status during the uploads (plus VmHWM, the kernel's own
 * high-water mark for the process).
 */
import fs from 'node:fs';
import { createPartner, mintSession, startPlatform } from '@kyc/dev-platform';
import { startDevServices } from '@kyc/dev-services';
import { bigJpeg, photoForm } from '../support/images';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const PHOTO_BYTES = Number(process.env.BENCH_PHOTO_BYTES ?? 5 * 1024 * 1024);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const MiB = 1024 * 1024;
const statusKb = (pid: number, field: 'VmRSS' | 'VmHWM') =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

/** Polls the gateway's resident set size every few milliseconds while `fn` runs. */
async function sampleRss<T>(pid: number, fn: () => Promise<T>): Promise<{ value: T; peakKb: number }> {
  let peakKb = statusKb(pid, 'VmRSS');
  const timer = setInterval(() => {
    peakKb = Math.max(peakKb, statusKb(pid, 'VmRSS'));
  }, 5);
  try {
    const value = await fn();
    return { value, peakKb: Math.max(peakKb, statusKb(pid, 'VmRSS')) };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const given = process.env.KYC_TEST_KAFKA_BROKERS && process.env.KYC_TEST_MONGO_URL;
  if (!given) log('starting dev services (Kafka, MongoDB-wire server) ...');
  const infra: { kafkaBrokers: string; mongoUrl: string; stop(): Promise<unknown> } = given
    ? { kafkaBrokers: process.env.KYC_TEST_KAFKA_BROKERS!, mongoUrl: process.env.KYC_TEST_MONGO_URL!, stop: async () => undefined }
    : await startDevServices({ log: (l) => process.stderr.write(`[dev-services] ${l}\n`) });
  const platform = await startPlatform({
    kafkaBrokers: infra.kafkaBrokers,
    mongoUrl: infra.mongoUrl,
    namespace: `bench${Date.now().toString(36)}`,
  });
  try {
    const gatewayPid = platform.services.gateway.pid!;
    const photo = bigJpeg(PHOTO_BYTES);
    const form = photoForm(photo);
    log(`photo: ${(photo.length / MiB).toFixed(2)} MiB JPEG; ${CONCURRENCY} concurrent uploads x ${ROUNDS} rounds`);

    const partner = await createPartner(platform, 'bench partner');
    // Fresh users every round: each upload is a first upload, so the figures are about streaming
    // bytes in, not about deleting the photos they would replace.
    const usersFor = (round: number) =>
      Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => mintSession(platform.gatewayUrl, partner, `bench-${round}-${i}`)));
    const uploadOne = async (sid: string) => {
      const res = await fetch(`${platform.gatewayUrl}/user/validate/submit_photo/?user_sid=${encodeURIComponent(sid)}&t_photo=0`, {
        method: 'POST',
        headers: { 'content-type': form.contentType },
        body: form.body,
      });
      const body = (await res.json()) as { response: { result: number } };
      if (body.response.result !== 200) throw new Error(`upload answered result ${body.response.result}`);
    };

    await uploadOne((await usersFor(0))[0]); // warm-up: connections, JIT
    const idleRssKb = statusKb(gatewayPid, 'VmRSS');
    const rows: { seconds: number; peakKb: number }[] = [];
    // Downloads of the photos just uploaded, measured once after round 1 (on FerretDB every read
    // scans the chunk collection, so later rounds would mostly measure how much is stored).
    let download = { seconds: 0, peakKb: 0 };
    const measureDownloads = async (users: string[]) => {
      const t0 = process.hrtime.bigint();
      const { peakKb } = await sampleRss(gatewayPid, () =>
        Promise.all(
          users.map(async (sid) => {
            const res = await fetch(`${platform.gatewayUrl}/user/validate/fetch_photo/?user_sid=${encodeURIComponent(sid)}&t_photo=0`);
            const bytes = Buffer.from(await res.arrayBuffer());
            if (!bytes.equals(photo)) throw new Error('downloaded bytes differ from the upload');
          }),
        ),
      );
      download = { seconds: Number(process.hrtime.bigint() - t0) / 1e9, peakKb };
    };

    for (let round = 1; round <= ROUNDS; round++) {
      const sids = await usersFor(round);
      const t0 = process.hrtime.bigint();
      const { peakKb } = await sampleRss(gatewayPid, () => Promise.all(sids.map(uploadOne)));
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      rows.push({ seconds, peakKb });
      const mb = (CONCURRENCY * form.body.length) / MiB;
      log(
        `round ${round}: ${seconds.toFixed(2)} s, ${(mb / seconds).toFixed(1)} MiB/s, ${(CONCURRENCY / seconds).toFixed(2)} uploads/s, gateway peak RSS ${(peakKb / 1024).toFixed(0)} MiB`,
      );
      if (round === 1) await measureDownloads(sids);
    }

    const best = rows.reduce((a, b) => (a.seconds < b.seconds ? a : b));
    const totalMb = (CONCURRENCY * form.body.length) / MiB;
    log('');
    log(`uploads   best of ${ROUNDS}: ${(totalMb / best.seconds).toFixed(1)} MiB/s, ${(CONCURRENCY / best.seconds).toFixed(2)} uploads/s`);
    log(`downloads ${CONCURRENCY} concurrent (after round 1): ${((CONCURRENCY * photo.length) / MiB / download.seconds).toFixed(1)} MiB/s, ${download.seconds.toFixed(2)} s`);
    log(
      `gateway RSS: idle ${(idleRssKb / 1024).toFixed(0)} MiB, peak during uploads ${(Math.max(...rows.map((r) => r.peakKb)) / 1024).toFixed(0)} MiB, ` +
        `during downloads ${(download.peakKb / 1024).toFixed(0)} MiB, VmHWM ${(statusKb(gatewayPid, 'VmHWM') / 1024).toFixed(0)} MiB ` +
        `(bytes in flight per round: ${totalMb.toFixed(0)} MiB)`,
    );
  } finally {
    await platform.stop();
    await infra.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
