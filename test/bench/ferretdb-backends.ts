/**
 * FerretDB v1 on SQLite vs on PostgreSQL, on the platform's hot-path queries (support/hot-paths.ts).
 *
 * For each backend: a fresh MongoDB-wire server (startMongoWire), the services' indexes created
 * as at boot, every hot path's reads captured from the real repository calls, each collection
 * filled with one document per subject (BENCH_SUBJECTS, default 100,000; partners and schools:
 * 1,000; the hot path's own document among them), then each read sent back-to-back, one at a time, for up to
 * BENCH_SECONDS_PER_QUERY seconds (default 3, at least BENCH_MIN_RUNS runs). findAndModify and
 * count reads are sent as the find that reads the same documents. Prints a table side by side:
 * figures, not assertions.
 *
 *   cd test && node -r @swc-node/register bench/ferretdb-backends.ts
 */
import { startMongoWire, type FerretDbBackend } from '@kyc/dev-services';
import { asFind, documentAt, documentFor, HOT_PATHS, HotPathRig, type CapturedQuery, type HotPath } from '../support/hot-paths';
import { percentile } from './bench-kit';

const SUBJECTS = Number(process.env.BENCH_SUBJECTS ?? 100_000);
const SECONDS_PER_QUERY = Number(process.env.BENCH_SECONDS_PER_QUERY ?? 3);
const MIN_RUNS = Number(process.env.BENCH_MIN_RUNS ?? 3);
/** Bytes of filler per document, standing for the sealed personal data real documents carry. */
const PADDING = 512;
const BATCH = 1_000;
/** Collections with a document per partner (or per school) rather than per subject. */
const PER_PARTNER = new Set(['partners', 'roster_schools']);
const PARTNERS = 1_000;
const BACKENDS: FerretDbBackend[] = ['sqlite', 'postgresql'];

interface Figure {
  opsPerSecond: number;
  p50: number;
  p99: number;
  runs: number;
}

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function fill(rig: HotPathRig, reads: CapturedQuery[]): Promise<void> {
  const byCollection = new Map<string, CapturedQuery[]>();
  for (const r of reads) byCollection.set(`${r.db}.${r.collection}`, [...(byCollection.get(`${r.db}.${r.collection}`) ?? []), r]);
  for (const [name, group] of byCollection) {
    const t0 = Date.now();
    const collection = rig.db(group[0].db).collection(group[0].collection);
    const count = PER_PARTNER.has(group[0].collection) ? PARTNERS : SUBJECTS;
    for (let start = 0; start < count; start += BATCH) {
      const docs = Array.from({ length: Math.min(BATCH, count - start) }, (_, k) => documentFor(group, documentAt(start + k, count), PADDING));
      await collection.insertMany(docs as never[], { ordered: false });
    }
    log(`  ${name}: ${count} documents in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}

async function measure(rig: HotPathRig, read: CapturedQuery): Promise<Figure> {
  const db = rig.db(read.db);
  const command = asFind(read);
  const took: number[] = [];
  // A warm-up run; one that alone outlasts the time per query is the only run (full scans of
  // 100,000 documents take seconds each).
  const w0 = process.hrtime.bigint();
  await db.command(command);
  const warmUp = Number(process.hrtime.bigint() - w0) / 1e6;
  if (warmUp > SECONDS_PER_QUERY * 1000) return { opsPerSecond: 1000 / warmUp, p50: warmUp, p99: warmUp, runs: 1 };
  const until = Date.now() + SECONDS_PER_QUERY * 1000;
  const t0 = process.hrtime.bigint();
  while (took.length < MIN_RUNS || Date.now() < until) {
    const start = process.hrtime.bigint();
    await db.command(command);
    took.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const total = Number(process.hrtime.bigint() - t0) / 1e9;
  took.sort((a, b) => a - b);
  return { opsPerSecond: took.length / total, p50: percentile(took, 50), p99: percentile(took, 99), runs: took.length };
}

async function benchBackend(backend: FerretDbBackend): Promise<Map<string, Figure>> {
  log(`${backend}: starting FerretDB`);
  const server = await startMongoWire({ backend, log: (line) => log(`  ${line}`) });
  const rig = await HotPathRig.open(server.mongoUrl, `bench_${backend}_${Date.now().toString(36)}`);
  try {
    const captured: { path: HotPath; reads: CapturedQuery[] }[] = [];
    for (const path of HOT_PATHS) captured.push({ path, reads: await rig.capture(path) });
    log(`${backend}: filling ${new Set(captured.flatMap((c) => c.reads.map((r) => `${r.db}.${r.collection}`))).size} collections`);
    await fill(
      rig,
      captured.flatMap((c) => c.reads),
    );
    const figures = new Map<string, Figure>();
    for (const { path, reads } of captured) {
      // A hot path's cost is that of all its reads, in order.
      const parts = [];
      for (const read of reads) parts.push(await measure(rig, read));
      const p50 = parts.reduce((s, f) => s + f.p50, 0);
      const p99 = parts.reduce((s, f) => s + f.p99, 0);
      const figure = { opsPerSecond: 1000 / parts.reduce((s, f) => s + 1000 / f.opsPerSecond, 0), p50, p99, runs: Math.min(...parts.map((f) => f.runs)) };
      figures.set(path.name, figure);
      log(`${backend}: ${path.name}: ${figure.opsPerSecond.toFixed(1)} ops/s, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (${figure.runs} runs)`);
    }
    return figures;
  } finally {
    await rig.close();
    await server.stop();
  }
}

async function main(): Promise<void> {
  log(`hot paths: ${HOT_PATHS.length}; ${SUBJECTS} documents per collection; up to ${SECONDS_PER_QUERY} s per query`);
  const results = new Map<FerretDbBackend, Map<string, Figure>>();
  for (const backend of BACKENDS) results.set(backend, await benchBackend(backend));

  const cell = (f: Figure | undefined) => (f ? `${f.opsPerSecond.toFixed(1).padStart(8)} ${f.p50.toFixed(1).padStart(8)} ${f.p99.toFixed(1).padStart(8)}` : 'n/a'.padStart(26));
  const nameWidth = Math.max(...HOT_PATHS.map((p) => p.name.length));
  const head = `${'hot path'.padEnd(nameWidth)} | ${BACKENDS.map((b) => `${b}: ops/s p50 ms p99 ms`.padStart(26)).join(' | ')} | faster`;
  const lines = HOT_PATHS.map((p) => {
    const [a, b] = BACKENDS.map((backend) => results.get(backend)?.get(p.name));
    const ratio = a && b ? b.opsPerSecond / a.opsPerSecond : NaN;
    const faster = !Number.isFinite(ratio) ? '' : ratio >= 1 ? `${BACKENDS[1]} x${ratio.toFixed(1)}` : `${BACKENDS[0]} x${(1 / ratio).toFixed(1)}`;
    return `${p.name.padEnd(nameWidth)} | ${cell(a)} | ${cell(b)} | ${faster}`;
  });
  process.stdout.write(`\nFerretDB v1 backends, hot-path reads, ${SUBJECTS} documents per collection, one client, back-to-back:\n${head}\n${'-'.repeat(head.length)}\n${lines.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
