/**
 * Upload throughput through the real stack, and the gateway's memory while it streams: 20
 * concurrent uploads of a 5 MB JPEG (one per user), in a few rounds, along two paths in one run:
 * seed 002's multipart submit_photo, and seed 001's OSS-compatible store with the unmodified
 * ali-oss client and /user/getsts credentials (PUT, V1 signature).
 *
 *   npm run bench:uploads -w @kyc/integration-tests
 *
 * Uses running dev services when KYC_TEST_KAFKA_BROKERS and KYC_TEST_MONGO_URL are set,
 * otherwise starts them (and stops them at the end). Prints MB/s, uploads/s, and the gateway's
 * peak RSS sampled from /proc/<pid>/status during the uploads (plus VmHWM, the kernel's own
 * high-water mark for the process).
 */
import { createPartner, mintAppSession, mintSession, startPlatform } from '@kyc/dev-platform';
import { startDevServices } from '@kyc/dev-services';
import { getSts, ossClient } from '../support/app-auth';
import { bigJpeg, photoForm } from '../support/images';
import { runBench, sampleRss, statusKb } from './bench-kit';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const PHOTO_BYTES = Number(process.env.BENCH_PHOTO_BYTES ?? 5 * 1024 * 1024);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const MiB = 1024 * 1024;

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
    // Both paths mint sessions (and credentials) for every upload: more requests than one client address may send by default.
    env: { RATE_LIMIT_PER_MINUTE: '100000' },
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
    // Seed 001: one app user per upload with its own getsts credentials, minted before the clock
    // starts (as an app holds them), then a PUT of the same photo with ali-oss.
    const appUploadsFor = (round: number) =>
      Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, i) => {
          const creds = await getSts(platform, await mintAppSession(platform.gatewayUrl, partner, `bench-oss-${round}-${i}`));
          return { client: ossClient(creds), key: `${creds.prefix}front.jpg` };
        }),
      );
    const putOne = async ({ client, key }: { client: ReturnType<typeof ossClient>; key: string }) => {
      const res = await client.put(key, photo);
      if (res.res.status !== 200) throw new Error(`put answered ${res.res.status}`);
    };

    await uploadOne((await usersFor(0))[0]); // warm-up: connections, JIT
    await putOne((await appUploadsFor(0))[0]);
    const idleRssKb = statusKb(gatewayPid, 'VmRSS');
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

    /** One timed round of one path: CONCURRENCY uploads at once; bytes counted as sent on the wire. */
    const paths = {
      multipart: { label: 'seed 002 multipart    ', bytes: form.body.length, rows: [] as { seconds: number; peakKb: number }[] },
      oss: { label: 'seed 001 OSS (ali-oss)', bytes: photo.length, rows: [] as { seconds: number; peakKb: number }[] },
    };
    async function timed<T>(path: keyof typeof paths, round: number, items: T[], send: (item: T) => Promise<void>) {
      const t0 = process.hrtime.bigint();
      const { peakKb } = await sampleRss(gatewayPid, () => Promise.all(items.map(send)));
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const p = paths[path];
      p.rows.push({ seconds, peakKb });
      log(
        `${p.label} round ${round}: ${seconds.toFixed(2)} s, ${((CONCURRENCY * p.bytes) / MiB / seconds).toFixed(1)} MiB/s, ${(CONCURRENCY / seconds).toFixed(2)} uploads/s, gateway peak RSS ${(peakKb / 1024).toFixed(0)} MiB`,
      );
    }

    // The two paths alternate, so both see the same amount of data already stored.
    for (let round = 1; round <= ROUNDS; round++) {
      const sids = await usersFor(round);
      await timed('multipart', round, sids, uploadOne);
      if (round === 1) await measureDownloads(sids);
      await timed('oss', round, await appUploadsFor(round), putOne);
    }

    log('');
    for (const p of Object.values(paths)) {
      const best = p.rows.reduce((a, b) => (a.seconds < b.seconds ? a : b));
      log(`uploads, ${p.label} best of ${ROUNDS}: ${((CONCURRENCY * p.bytes) / MiB / best.seconds).toFixed(1)} MiB/s, ${(CONCURRENCY / best.seconds).toFixed(2)} uploads/s`);
    }
    const peak = (rows: { peakKb: number }[]) => (Math.max(...rows.map((r) => r.peakKb)) / 1024).toFixed(0);
    log(`downloads ${CONCURRENCY} concurrent (after round 1): ${((CONCURRENCY * photo.length) / MiB / download.seconds).toFixed(1)} MiB/s, ${download.seconds.toFixed(2)} s`);
    log(
      `gateway RSS: idle ${(idleRssKb / 1024).toFixed(0)} MiB, peak during multipart uploads ${peak(paths.multipart.rows)} MiB, ` +
        `during OSS uploads ${peak(paths.oss.rows)} MiB, during downloads ${(download.peakKb / 1024).toFixed(0)} MiB, ` +
        `VmHWM ${(statusKb(gatewayPid, 'VmHWM') / 1024).toFixed(0)} MiB (bytes in flight per round: ${((CONCURRENCY * form.body.length) / MiB).toFixed(0)} MiB)`,
    );
  } finally {
    await platform.stop();
    await infra.stop();
  }
}

runBench('bench', main);
