/**
 * Uploads: N concurrent photo uploads of a few MB each (seed 002's multipart submit_photo, one
 * fresh user per upload, sessions minted before the clock starts), throughput and how much the
 * gateway's resident set grows while it streams them. Floor: the same multipart bodies streamed
 * to a file on disk by node's HTTP server over loopback.
 */
import { createPartner, mintSession, PartnerCredentials } from '@kyc/dev-platform';
import { bigJpeg, photoForm } from '../../support/images';
import { cpuDuring, Latencies, sampleRss, statusKb } from '../bench-kit';
import { FloorProcess, startFloorProcess } from '../floors/floor-process';
import { Figures } from '../report';
import { failureText } from './closed-loop';
import { BenchContext, perOp, platformPids } from './context';

const MiB = 1024 * 1024;
const UPLOAD_TIMEOUT_MS = 120_000;

interface Upload {
  url: string;
}

/** One round of concurrent uploads; RSS growth is the peak over `idleKb`, the serving process before any upload. */
async function uploadRound(uploads: Upload[], body: Buffer, contentType: string, servedBy: number, idleKb: number, pids?: Record<string, number>): Promise<Figures> {
  const durations = new Latencies();
  let failed = 0;
  const failures = new Set<string>();
  const send = async (u: Upload) => {
    const t = performance.now();
    try {
      const res = await fetch(u.url, { method: 'POST', headers: { 'content-type': contentType }, body, signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS) });
      const text = await res.text();
      if (text.includes('"result":200')) durations.record(performance.now() - t);
      else {
        failed += 1;
        if (failures.size < 3) failures.add(failureText(res.status, text));
      }
    } catch (err) {
      failed += 1;
      if (failures.size < 3) failures.add(failureText((err as Error).name));
    }
  };
  const t0 = performance.now();
  const { value, cpuMs } = await cpuDuring({ served: servedBy, ...pids }, () => sampleRss(servedBy, () => Promise.all(uploads.map(send))));
  const seconds = (performance.now() - t0) / 1000;
  const { served, ...others } = perOp(cpuMs, uploads.length);
  return {
    throughput: (durations.count * body.length) / MiB / seconds,
    ops: durations.count,
    failed,
    p50Ms: durations.percentile(50),
    p99Ms: durations.percentile(99),
    peakRssMb: value.peakKb / 1024,
    rssGrowthMb: (value.peakKb - idleKb) / 1024,
    cpuMsPerOp: served,
    cpuMsPerOpBy: pids ? others : undefined,
    failures: [...failures],
    extra: { uploadsPerSecond: durations.count / seconds, bytesPerUpload: body.length },
  };
}

export async function uploads(ctx: BenchContext): Promise<void> {
  const { platform, settings } = ctx;
  const partner: PartnerCredentials = await createPartner(platform, 'bench uploads');
  const photo = bigJpeg(settings.photoBytes);
  const form = photoForm(photo);
  const floor: FloorProcess = await startFloorProcess('upload-floor.ts');
  const gateway = platform.services.gateway.pid!;
  // Fresh users every round: each upload is a first upload (streaming bytes in, not replacing photos).
  const usersFor = async (round: number): Promise<Upload[]> =>
    Promise.all(
      Array.from({ length: settings.uploads }, async (_, i) => {
        const sid = await mintSession(platform.gatewayUrl, partner, `bench-upload-${round}-${i}`);
        return { url: `${platform.gatewayUrl}/user/validate/submit_photo/?user_sid=${encodeURIComponent(sid)}&t_photo=0` };
      }),
    );
  const gatewayIdleKb = statusKb(gateway, 'VmRSS');
  const floorIdleKb = statusKb(floor.pid, 'VmRSS');
  try {
    await uploadRound((await usersFor(0)).slice(0, 1), form.body, form.contentType, gateway, gatewayIdleKb); // warm-up
    const floorUploads = Array.from({ length: settings.uploads }, () => ({ url: `${floor.url}/upload` }));
    await ctx.report.compare(
      'Uploads',
      [
        {
          label: `${settings.uploads} concurrent ${(photo.length / MiB).toFixed(0)} MiB seed 002 submit_photo`,
          kind: 'platform',
          unit: 'MiB/s',
          process: 'gateway',
          run: async (round) => uploadRound(await usersFor(round), form.body, form.contentType, gateway, gatewayIdleKb, platformPids(platform)),
        },
        { label: 'streaming to disk over loopback', kind: 'floor', unit: 'MiB/s', process: 'floor', run: () => uploadRound(floorUploads, form.body, form.contentType, floor.pid, floorIdleKb) },
      ],
      settings.rounds,
      'throughput',
    );
  } finally {
    await floor.stop();
  }
}
