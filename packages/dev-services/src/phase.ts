import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, promises as fs, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Log } from './util';

/**
 * Where phase logs go: $KYC_LOG_DIR, else $XDG_CACHE_HOME/kyc-platform/logs (default
 * ~/.cache/kyc-platform/logs). deploy/lib/phase.sh (helm build of deploy/helm/check.sh) uses the
 * same folder.
 */
export function phaseLogDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KYC_LOG_DIR) return path.resolve(env.KYC_LOG_DIR);
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'kyc-platform', 'logs');
}

/** Phase logs kept per folder (oldest removed first). */
const KEEP_LOGS = 100;

export interface PhaseStep {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface PhaseOptions {
  /** What is being done, as the progress line shows it: "building image localhost/kyc-kafka:3.9.1-…". */
  title: string;
  /** File-name part of the log: "image-kafka". */
  slug: string;
  /** Commands run one after the other until one fails; all their output goes to the log file. */
  steps: PhaseStep[];
  log: Log;
  /** At most one "still …" line per this many ms (default 30 s). */
  heartbeatMs?: number;
  /** Output lines shown when the phase fails (default 20). */
  tailLines?: number;
  /** Default phaseLogDir(). */
  logDir?: string;
  /** Picks a stage name out of an output line ("==> go build …"), shown in "still …" lines. */
  stage?: (line: string) => string | undefined;
}

export interface PhaseResult {
  logFile: string;
  elapsedMs: number;
}

/** A phase whose command failed; its output tail has been logged already. */
export class PhaseError extends Error {
  constructor(
    message: string,
    readonly logFile: string,
    readonly code: number,
    readonly tail: string[],
  ) {
    super(message);
    this.name = 'PhaseError';
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function openLog(dir: string, slug: string): { file: string; fd: number } {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  for (const candidate of [dir, path.join(os.tmpdir(), 'kyc-platform-logs')]) {
    try {
      mkdirSync(candidate, { recursive: true });
      const file = path.join(candidate, `${stamp}-${slug}-${process.pid}.log`);
      return { file, fd: openSync(file, 'a') };
    } catch {
      // not writable (no home, read-only cache): fall back to the temp folder
    }
  }
  throw new Error(`cannot write a log file in ${dir} or ${os.tmpdir()}`);
}

/** Runs a command with stdout and stderr both appended to fd (so their order is kept); resolves with its exit code. */
function runToFd(step: PhaseStep, fd: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(step.command, step.args, { cwd: step.cwd, env: step.env ?? process.env, stdio: ['ignore', fd, fd] });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** The last n non-blank lines of a file (from its last 64 KiB), without terminal colour codes. */
async function lastLines(file: string, n: number): Promise<string[]> {
  const handle = await fs.open(file, 'r').catch(() => undefined);
  if (!handle) return [];
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 64 * 1024);
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, size - length);
    return buffer
      .toString('utf8', 0, bytesRead)
      .split(/[\r\n]+/)
      // eslint-disable-next-line no-control-regex
      .map((l) => l.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''))
      .filter((l) => l.trim() !== '')
      .slice(-n);
  } finally {
    await handle.close();
  }
}

/** The latest stage named in a growing log file, reading only what was appended since the last look. */
class StageTracker {
  private offset = 0;
  private partial = '';
  private stage: string | undefined;

  constructor(
    private readonly file: string,
    private readonly pick: (line: string) => string | undefined,
  ) {}

  async current(): Promise<string | undefined> {
    const handle = await fs.open(this.file, 'r').catch(() => undefined);
    if (!handle) return this.stage;
    try {
      for (;;) {
        const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        const lines = (this.partial + buffer.toString('utf8', 0, bytesRead)).split(/[\r\n]/);
        this.partial = lines.pop() ?? '';
        for (const line of lines) this.stage = this.pick(line) ?? this.stage;
      }
    } finally {
      await handle.close();
    }
    return this.stage;
  }
}

async function pruneLogs(dir: string): Promise<void> {
  const logs = (await fs.readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.log')).sort();
  await Promise.all(logs.slice(0, Math.max(0, logs.length - KEEP_LOGS)).map((f) => fs.rm(path.join(dir, f), { force: true })));
}

/**
 * Runs a phase (one or more commands) with all of its output in a log file, and reports it in
 * few lines: on success one line, "<title> ... done in 85.2 s"; while it runs at most one
 * "still <title> (60 s …)" line per heartbeat (the first names the log file); on failure one line
 * naming the log file and the exit code, then the last output lines, and a PhaseError.
 */
export async function runPhase(opts: PhaseOptions): Promise<PhaseResult> {
  const { title, log } = opts;
  const heartbeatMs = opts.heartbeatMs ?? 30_000;
  const tailLines = opts.tailLines ?? 20;
  const { file: logFile, fd } = openLog(opts.logDir ?? phaseLogDir(), opts.slug);
  const started = Date.now();
  let beats = 0;
  let finished = false;
  const stages = opts.stage && new StageTracker(logFile, opts.stage);
  const heartbeat = setInterval(() => {
    const n = ++beats;
    void (stages?.current() ?? Promise.resolve(undefined)).then((stage) => {
      if (finished) return;
      const details = [`${Math.round((Date.now() - started) / 1000)} s`, stage, n === 1 ? `log: ${logFile}` : undefined];
      log(`still ${title} (${details.filter(Boolean).join('; ')})`);
    });
  }, heartbeatMs);
  heartbeat.unref();
  const write = (text: string): void => {
    writeSync(fd, `${text}\n`);
  };

  let code = 0;
  try {
    write(`# ${title}: started ${new Date(started).toISOString()}`);
    for (const step of opts.steps) {
      write(`$ ${[step.command, ...step.args].join(' ')}`);
      code = await runToFd(step, fd).catch((err: unknown) => {
        write(`cannot run ${step.command}: ${err instanceof Error ? err.message : String(err)}`);
        return 127;
      });
      if (code !== 0) break;
    }
    write(`# exit ${code} after ${seconds(Date.now() - started)}`);
  } finally {
    finished = true;
    clearInterval(heartbeat);
    closeSync(fd);
  }
  void pruneLogs(path.dirname(logFile)).catch(() => undefined);

  const elapsedMs = Date.now() - started;
  if (code === 0) {
    log(`${title} ... done in ${seconds(elapsedMs)}`);
    return { logFile, elapsedMs };
  }
  const tail = (await lastLines(logFile, tailLines + 1)).slice(0, -1); // without the "# exit" line
  log(`${title} ... FAILED after ${seconds(elapsedMs)} (exit ${code}); full output: ${logFile}`);
  log(`last ${tail.length} lines of output:`);
  for (const line of tail) log(`  | ${line}`);
  throw new PhaseError(`${title} failed (exit ${code}); full output: ${logFile}`, logFile, code, tail);
}
