/**
 * The benchmark report: every scenario measured against its floor in the same run, alternating,
 * for several rounds; the median of the rounds is what the table shows. Written as it goes to
 * results/latest.md (the table the README embeds) and results/latest.json (every round's figures).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median } from './bench-kit';

/** What one round of one measured thing came to. */
export interface Figures {
  /** Operations per second, or MiB/s where the unit says so. */
  throughput: number;
  /** Operations completed (successful answers, callbacks received, uploads). */
  ops: number;
  /** Operations that failed (errors, wrong answers, timeouts). */
  failed: number;
  p50Ms?: number;
  p99Ms?: number;
  /** Peak resident set of the serving process during the round, MiB. */
  peakRssMb?: number;
  /** Peak minus the resident set before the round, MiB. */
  rssGrowthMb?: number;
  /** CPU time of the serving process per operation (user + system, /proc/<pid>/stat). */
  cpuMsPerOp?: number;
  /** CPU ms per operation of every platform process, for seeing where the rest goes. */
  cpuMsPerOpBy?: Record<string, number>;
  /** What the first failures said (status, error code), so a table of failures can be read. */
  failures?: string[];
  /** Anything else worth keeping in the JSON (e.g. the offered rate). */
  extra?: Record<string, number | string>;
}

/** One thing measured in a scenario: the platform doing a job, or the floor doing the least of it. */
export interface Measured {
  label: string;
  kind: 'platform' | 'floor';
  /** "req/s", "callbacks/s", "MiB/s" ... */
  unit: string;
  /** The process whose CPU and memory are reported ("gateway", "notifier", "floor", "broker"). */
  process: string;
  run(round: number): Promise<Figures>;
}

export interface Row {
  scenario: string;
  label: string;
  kind: 'platform' | 'floor';
  unit: string;
  process: string;
  rounds: Figures[];
  median: Figures;
  /** Platform / floor of the medians: throughput, p50 and p99. */
  vsFloor: { floor: string; throughput: number; p50: number; p99: number }[];
  /** Which ratio the scenario is judged by. */
  compareBy: 'throughput' | 'latency';
  note?: string;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGiB: number;
  os: string;
  node: string;
  engine: string;
  kafka: string;
  mongoWire: string;
}

export function machineInfo(engine: { engine: string; kafka: string; mongoWire: string }): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    ...engine,
  };
}

const medianFigures = (rounds: Figures[]): Figures => {
  // Undefined when no round has the figure (the table shows a dash), NaN when rounds had it but none finite.
  const m = (f: (x: Figures) => number | undefined) => (rounds.some((r) => f(r) !== undefined) ? median(rounds.map(f)) : undefined);
  const processes = [...new Set(rounds.flatMap((r) => Object.keys(r.cpuMsPerOpBy ?? {})))];
  return {
    throughput: median(rounds.map((r) => r.throughput)),
    ops: median(rounds.map((r) => r.ops)),
    failed: median(rounds.map((r) => r.failed)),
    p50Ms: m((r) => r.p50Ms),
    p99Ms: m((r) => r.p99Ms),
    peakRssMb: m((r) => r.peakRssMb),
    rssGrowthMb: m((r) => r.rssGrowthMb),
    cpuMsPerOp: m((r) => r.cpuMsPerOp),
    cpuMsPerOpBy: processes.length ? Object.fromEntries(processes.map((p) => [p, median(rounds.map((r) => r.cpuMsPerOpBy?.[p]))])) : undefined,
    failures: [...new Set(rounds.flatMap((r) => r.failures ?? []))].slice(0, 3),
  };
};

const num = (v: number | undefined, digits = 1) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const ratio = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–');

export class Report {
  readonly rows: Row[] = [];
  readonly notes: string[] = [];
  private readonly startedAt = new Date();

  constructor(
    private readonly dir: string,
    readonly machine: MachineInfo,
    readonly settings: Record<string, number | string | boolean>,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Runs every measured thing of a scenario once per round, alternating (platform, its floors,
   * platform, ...), so that both see the same machine at the same time; then keeps the medians.
   */
  async compare(scenario: string, measured: Measured[], rounds: number, compareBy: Row['compareBy'], notes: Partial<Record<string, string>> = {}): Promise<Row[]> {
    const results = measured.map(() => [] as Figures[]);
    for (let round = 1; round <= rounds; round++) {
      for (const [i, m] of measured.entries()) {
        const f = await m.run(round);
        results[i].push(f);
        this.log(`  ${scenario} | ${m.label} | round ${round}/${rounds}: ${this.line(f, m.unit, m.process)}`);
      }
    }
    const floors = measured.map((m, i) => ({ m, median: medianFigures(results[i]) })).filter((x) => x.m.kind === 'floor');
    const rows = measured.map((m, i): Row => {
      const med = medianFigures(results[i]);
      return {
        scenario,
        label: m.label,
        kind: m.kind,
        unit: m.unit,
        process: m.process,
        rounds: results[i],
        median: med,
        vsFloor:
          m.kind === 'platform'
            ? floors.map((f) => ({
                floor: f.m.label,
                throughput: med.throughput / f.median.throughput,
                p50: (med.p50Ms ?? NaN) / (f.median.p50Ms ?? NaN),
                p99: (med.p99Ms ?? NaN) / (f.median.p99Ms ?? NaN),
              }))
            : [],
        compareBy,
        note: notes[m.label],
      };
    });
    for (const r of rows) {
      this.log(`= ${scenario} | ${r.label} | median of ${rounds}: ${this.line(r.median, r.unit, r.process)}${r.vsFloor.length ? `; ${this.vsText(r)}` : ''}`);
      this.rows.push(r);
    }
    this.write();
    return rows;
  }

  /** A row measured once, with no floor of its own (e.g. the drain's phases). */
  add(row: Omit<Row, 'median' | 'vsFloor'> & { vsFloor?: Row['vsFloor'] }): Row {
    const full: Row = { ...row, median: medianFigures(row.rounds), vsFloor: row.vsFloor ?? [] };
    this.log(`= ${full.scenario} | ${full.label}: ${this.line(full.median, full.unit, full.process)}${full.note ? ` (${full.note})` : ''}`);
    this.rows.push(full);
    this.write();
    return full;
  }

  note(line: string): void {
    this.notes.push(line);
    this.log(`  note: ${line}`);
    this.write();
  }

  private line(f: Figures, unit: string, proc: string): string {
    const parts = [`${num(f.throughput)} ${unit}`];
    if (f.p50Ms !== undefined) parts.push(`p50 ${num(f.p50Ms)} ms`, `p99 ${num(f.p99Ms)} ms`);
    if (f.peakRssMb !== undefined) parts.push(`peak RSS ${num(f.peakRssMb, 0)} MiB${f.rssGrowthMb !== undefined ? ` (+${num(f.rssGrowthMb, 0)})` : ''}`);
    if (f.cpuMsPerOp !== undefined) parts.push(`${proc} CPU ${num(f.cpuMsPerOp, 2)} ms/op`);
    if (f.failed) parts.push(`${num(f.failed, 0)} failed${f.failures?.length ? ` (${f.failures.join('; ')})` : ''}`);
    return parts.join(', ');
  }

  private vsText(r: Row): string {
    return r.vsFloor
      .map((v) => (r.compareBy === 'throughput' ? `${ratio(v.throughput)} ${v.floor}` : `p50 ${ratio(v.p50)}, p99 ${ratio(v.p99)} ${v.floor}`))
      .join('; ');
  }

  markdown(): string {
    const m = this.machine;
    const lines = [
      ...(this.settings.quick
        ? ['**Smoke run (`BENCH_QUICK=1`): seconds per scenario, one round, small sizes. It shows the harness works; its figures are not for comparison.**', '']
        : []),
      `Measured ${this.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, ${m.os}; ` +
        `Node ${m.node}; ${m.engine}; Kafka ${m.kafka}; MongoDB-wire server ${m.mongoWire}. ` +
        `Everything (the five services, both containers, the load generator and the floors) on this one machine. ` +
        `Settings: ${Object.entries(this.settings)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}.`,
      '',
      '| Scenario | Measured | Throughput | p50 | p99 | Peak RSS (growth) | CPU ms/op | vs floor |',
      '|---|---|---|---|---|---|---|---|',
    ];
    for (const r of this.rows) {
      const f = r.median;
      const rss = f.peakRssMb === undefined ? '–' : `${num(f.peakRssMb, 0)} MiB${f.rssGrowthMb !== undefined ? ` (+${num(f.rssGrowthMb, 0)})` : ''}`;
      const cpu = f.cpuMsPerOp === undefined ? '–' : `${num(f.cpuMsPerOp, 2)} (${r.process})`;
      const label = r.kind === 'floor' ? `floor: ${r.label}` : r.label;
      const failed = f.failed ? `${num(f.failed, 0)} of ${num(f.ops + f.failed, 0)} failed${f.failures?.length ? ` (${f.failures[0]})` : ''}` : '';
      const vs = [r.vsFloor.length ? this.vsText(r) : '', r.note ?? '', failed].filter(Boolean).join('; ') || '–';
      lines.push(`| ${r.scenario} | ${label} | ${num(f.throughput)} ${r.unit} | ${num(f.p50Ms)} ms | ${num(f.p99Ms)} ms | ${rss} | ${cpu} | ${vs} |`.replace(/ – ms/g, ' –'));
    }
    if (this.notes.length) lines.push('', ...this.notes.map((n) => `- ${n}`));
    return `${lines.join('\n')}\n`;
  }

  /** Replaces the table between the README's bench markers with this report's. */
  updateReadme(readme: string): void {
    const text = fs.readFileSync(readme, 'utf8');
    const begin = '<!-- bench:latest:begin -->';
    const end = '<!-- bench:latest:end -->';
    const a = text.indexOf(begin);
    const b = text.indexOf(end);
    if (a < 0 || b < a) throw new Error(`${readme} has no ${begin} ... ${end} block`);
    fs.writeFileSync(readme, `${text.slice(0, a + begin.length)}\n${this.markdown()}${text.slice(b)}`);
  }

  write(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    fs.writeFileSync(path.join(this.dir, 'latest.md'), this.markdown());
    const json = { startedAt: this.startedAt.toISOString(), machine: this.machine, settings: this.settings, rows: this.rows, notes: this.notes };
    fs.writeFileSync(path.join(this.dir, 'latest.json'), `${JSON.stringify(json, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  }
}
