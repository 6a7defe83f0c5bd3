import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { aptGetInstall } from './engine';
import { GIN_TWIN_SQL } from './postgres-index-twins';
import { withLock } from './lock';
import { freePort, run, waitForTcp, type Log } from './util';

/** FerretDB v1's storage backends (KYC_FERRETDB_BACKEND). */
export type FerretDbBackend = 'sqlite' | 'postgresql';

// PostgreSQL filters equality in SQL; on SQLite every query but an `_id` lookup decodes the whole
// collection (README, "MongoDB-wire server and indexes").
export const DEFAULT_FERRETDB_BACKEND: FerretDbBackend = 'postgresql';

/** The backend the local FerretDB image runs on: KYC_FERRETDB_BACKEND, else the default. */
export function ferretDbBackend(env: NodeJS.ProcessEnv = process.env): FerretDbBackend {
  const value = env.KYC_FERRETDB_BACKEND?.trim().toLowerCase();
  if (!value) return DEFAULT_FERRETDB_BACKEND;
  if (value === 'sqlite' || value === 'postgresql') return value;
  throw new Error(`KYC_FERRETDB_BACKEND must be "sqlite" or "postgresql", not "${env.KYC_FERRETDB_BACKEND}"`);
}

const PG_ROOT = '/usr/lib/postgresql';
const STOP_TIMEOUT_MS = 10_000;

/** The bin directory of the newest PostgreSQL major version Debian's packages installed, if any. */
async function postgresBinDir(): Promise<string | undefined> {
  const versions = await fs.readdir(PG_ROOT).catch(() => [] as string[]);
  const usable = versions
    .filter((v) => /^\d+$/.test(v) && existsSync(path.join(PG_ROOT, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return usable.length ? path.join(PG_ROOT, usable[0], 'bin') : undefined;
}

/** Installs Debian's `postgresql` (server binaries only are used; no system cluster is needed). */
async function ensurePostgres(log: Log): Promise<string> {
  const found = await postgresBinDir();
  if (found) return found;
  await withLock('apt-postgresql', log, async () => {
    if (await postgresBinDir()) return;
    await aptGetInstall(
      {
        packages: ['postgresql'],
        title: 'installing postgresql (apt-get, one-time, for KYC_FERRETDB_BACKEND=postgresql)',
        slug: 'apt-postgresql',
        hint: 'KYC_FERRETDB_BACKEND=postgresql needs PostgreSQL server binaries: apt-get install postgresql (as root), or unset KYC_FERRETDB_BACKEND',
      },
      log,
    );
  });
  const installed = await postgresBinDir();
  if (!installed) throw new Error(`postgresql installed, but no server binaries under ${PG_ROOT}`);
  return installed;
}

export interface RunningPostgres {
  /** "postgres://postgres@127.0.0.1:PORT/ferretdb": trust authentication, loopback only. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a private PostgreSQL cluster for FerretDB's PostgreSQL backend: a fresh data
 * directory, loopback only, removed again by stop(). PostgreSQL refuses to run as root, so as
 * root the cluster belongs to Debian's `postgres` user.
 */
export async function startPostgres(log: Log): Promise<RunningPostgres> {
  const bin = await ensurePostgres(log);
  const asRoot = process.getuid?.() === 0;
  const as = (command: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, command), ...args]] : [path.join(bin, command), args]);

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kyc-postgres-'));
  if (asRoot) await run('chown', ['postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  const t0 = Date.now();
  let child: ChildProcess | undefined;
  const cleanup = async (): Promise<void> => {
    if (child && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child?.once('exit', () => resolve()));
      child.kill('SIGINT'); // fast shutdown
      // As root the child is runuser, which does not always pass the signal on: tell the postmaster too.
      signalPostmaster(data, 'SIGINT');
      const timer = setTimeout(() => child?.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    // As root the child is runuser, which can exit before the postmaster has finished its
    // shutdown checkpoint; the postmaster removes postmaster.pid last, so wait for that.
    for (const until = Date.now() + STOP_TIMEOUT_MS; existsSync(path.join(data, 'postmaster.pid')) && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    signalPostmaster(data, 'SIGKILL'); // still there after the timeout: nothing of it is worth keeping
    await fs.rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  };
  try {
    const init = await run(...as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']));
    if (init.code !== 0) throw new Error(`initdb failed:\n${init.output.slice(-20).join('\n')}`);
    const port = await freePort();
    const [command, args] = as('postgres', ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1']);
    child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const tail: string[] = [];
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      tail.push(...chunk.split('\n').filter(Boolean));
      tail.splice(0, Math.max(0, tail.length - 20));
    });
    await waitForTcp('127.0.0.1', port, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}\nLast postgres lines:\n${tail.join('\n')}`);
    });
    // The server accepts TCP a moment before it accepts sessions: createdb retries briefly.
    let created = await run(...as('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'ferretdb']));
    for (let i = 0; created.code !== 0 && i < 20; i++) {
      await new Promise((r) => setTimeout(r, 250));
      created = await run(...as('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'ferretdb']));
    }
    if (created.code !== 0) throw new Error(`createdb failed:\n${created.output.slice(-10).join('\n')}`);
    const twins = await run(...as('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'ferretdb', '-v', 'ON_ERROR_STOP=1', '-q', '-c', GIN_TWIN_SQL]));
    if (twins.code !== 0) throw new Error(`adding the index trigger failed:\n${twins.output.slice(-10).join('\n')}`);
    log(`postgresql (${path.basename(path.dirname(bin))}) ready at 127.0.0.1:${port} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    let stopping: Promise<void> | undefined;
    return { url: `postgres://postgres@127.0.0.1:${port}/ferretdb`, stop: () => (stopping ??= cleanup()) };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * Signals the postmaster named in the data directory's postmaster.pid (its first line), if it
 * runs. Where /proc shows the process, it must be a postgres one: a stale file's pid may have
 * been given to another process since.
 */
function signalPostmaster(data: string, signal: NodeJS.Signals): void {
  try {
    const pid = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) return;
    const cmdline = path.join('/proc', String(pid), 'cmdline');
    if (existsSync('/proc/self') && !(existsSync(cmdline) && readFileSync(cmdline, 'utf8').includes('postgres'))) return;
    process.kill(pid, signal);
  } catch {
    // not started, or already gone
  }
}
