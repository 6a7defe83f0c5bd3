import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { withLock } from './lock';
import { runPhase } from './phase';
import { defaultLog, onPath, sleep, type Log } from './util';

export type EngineKind = 'docker' | 'podman';

export interface Engine {
  /** What answers on the socket: a Docker engine or podman's Docker-compatible service. */
  kind: EngineKind;
  /** The value testcontainers uses (also set in process.env.DOCKER_HOST). */
  dockerHost: string;
  /** True when the engine runs on this machine (unix socket), so ports can be bound to loopback. */
  local: boolean;
}

export const PODMAN_ROOT_SOCKET = '/run/podman/podman.sock';
const DOCKER_SOCKET = '/var/run/docker.sock';
const CONTAINERS_CONF = '/etc/containers/containers.conf';
/** runc, no per-container ulimits, cgroupfs: what podman 4.3 needs on these machines (crun fails). */
export const CONTAINERS_CONF_CONTENT = `# Written by @kyc/dev-services (podman engine for local Kafka/MongoDB containers).
[containers]
default_ulimits = []

[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
`;

export const INSTALL_HINT =
  'No container engine is available. Either run a Docker engine (reachable at /var/run/docker.sock or via DOCKER_HOST), ' +
  'or install podman: on Debian/Ubuntu as root run `apt-get update && apt-get install -y podman runc debootstrap` ' +
  '(the local Kafka image also needs `maven` and the FerretDB image needs Go >= 1.21).';

interface HttpAnswer {
  status: number;
  body: string;
}

/** One GET against the engine API (unix socket or plain tcp); undefined when nothing answers. */
export function engineGet(dockerHost: string, urlPath: string, timeoutMs = 3000): Promise<HttpAnswer | undefined> {
  return new Promise((resolve) => {
    let options: http.RequestOptions;
    if (dockerHost.startsWith('unix://')) {
      options = { socketPath: dockerHost.slice('unix://'.length), path: urlPath };
    } else if (dockerHost.startsWith('tcp://') || dockerHost.startsWith('http://')) {
      const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
      options = { host: url.hostname, port: url.port || 2375, path: urlPath };
    } else {
      resolve(undefined);
      return;
    }
    const req = http.get({ ...options, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(undefined));
  });
}

/** True when an engine answers `GET /_ping` with 200 on dockerHost. */
export async function pingEngine(dockerHost: string, timeoutMs = 3000): Promise<boolean> {
  const answer = await engineGet(dockerHost, '/_ping', timeoutMs);
  return answer?.status === 200;
}

/** Docker or podman, from `GET /version` (podman names itself in Components). */
export async function engineKind(dockerHost: string): Promise<EngineKind> {
  const answer = await engineGet(dockerHost, '/version');
  if (answer?.status === 200) {
    try {
      const version = JSON.parse(answer.body) as { Components?: Array<{ Name?: string }>; Platform?: { Name?: string } };
      const names = [...(version.Components ?? []).map((c) => c.Name ?? ''), version.Platform?.Name ?? ''];
      if (names.some((n) => /podman/i.test(n))) return 'podman';
    } catch {
      // not JSON: fall through
    }
  }
  return 'docker';
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function podmanSocketPath(): string {
  if (isRoot()) return PODMAN_ROOT_SOCKET;
  const runtimeDir = process.env.XDG_RUNTIME_DIR ?? `/run/user/${process.getuid?.() ?? 0}`;
  return path.join(runtimeDir, 'podman', 'podman.sock');
}

/** Sets the testcontainers variables for podman, keeping values the user set. */
function applyPodmanEnv(dockerHost: string): void {
  process.env.DOCKER_HOST = dockerHost;
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
}

export interface AptGetInstall {
  packages: string[];
  /** The progress line: "installing podman, runc and debootstrap (apt-get, one-time)". */
  title: string;
  /** File-name part of the phase log. */
  slug: string;
  /** What to do by hand, logged and thrown when apt-get cannot be used (not root, not Debian) or fails. */
  hint: string;
}

/** Installs Debian packages with apt-get when running as root on Debian/Ubuntu; otherwise throws the hint. */
export async function aptGetInstall(what: AptGetInstall, log: Log): Promise<void> {
  const debian = existsSync('/etc/debian_version') && onPath('apt-get');
  if (!isRoot() || !debian) {
    log(what.hint);
    throw new Error(what.hint);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await runPhase({
      title: what.title,
      slug: what.slug,
      steps: [
        { command: 'apt-get', args: ['update', '-q'], env },
        { command: 'apt-get', args: ['install', '-y', '-q', ...what.packages], env },
      ],
      log,
    });
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${what.hint}`);
  }
}

function installPodman(log: Log): Promise<void> {
  const packages = ['podman', 'runc', 'debootstrap'];
  const title = 'installing podman, runc and debootstrap (apt-get, one-time)';
  return aptGetInstall({ packages, title, slug: 'apt-get-podman', hint: INSTALL_HINT }, log);
}

/**
 * Pids of `podman system service` processes for this socket whose working directory has been
 * deleted (for example a checkout that started them and was removed since). Such a service still
 * answers pings but cannot start containers; it has to be replaced.
 */
export async function crippledPodmanServices(socketPath: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await fs.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const args = cmdline.split('\0');
    if (!args.includes('system') || !args.includes('service') || !cmdline.includes(socketPath)) continue;
    const cwd = await fs.readlink(`/proc/${entry}/cwd`).catch(() => '');
    if (cwd.endsWith(' (deleted)')) pids.push(Number(entry));
  }
  return pids;
}

/** Stops a podman service that cannot start containers any more (see crippledPodmanServices). */
async function replaceCrippledPodmanService(socketPath: string, log: Log): Promise<void> {
  const pids = await crippledPodmanServices(socketPath);
  if (pids.length === 0) return;
  log(`podman API service (pid ${pids.join(', ')}) runs in a deleted folder and cannot start containers: restarting it`);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && (await pingEngine(`unix://${socketPath}`, 500))) await sleep(200);
}

async function startPodmanService(socketPath: string, log: Log): Promise<void> {
  const dockerHost = `unix://${socketPath}`;
  if (!onPath('podman') || (isRoot() && !onPath('runc'))) await installPodman(log);

  if (isRoot() && !existsSync(CONTAINERS_CONF)) {
    log(`writing ${CONTAINERS_CONF} (runtime runc, cgroupfs, no default ulimits)`);
    await fs.mkdir(path.dirname(CONTAINERS_CONF), { recursive: true });
    await fs.writeFile(CONTAINERS_CONF, CONTAINERS_CONF_CONTENT);
  }

  const dir = path.dirname(socketPath);
  await fs.mkdir(dir, { recursive: true });
  await fs.rm(socketPath, { force: true }); // stale socket of a dead service
  const logFile = path.join(dir, 'podman-service.log');
  log(`starting podman API service: podman system service --time=0 ${dockerHost} (log: ${logFile})`);
  const out = openSync(logFile, 'a');
  let exited: number | null | undefined;
  try {
    // Detached (own session): it outlives this process and ignores our terminal's Ctrl-C.
    const child = spawn('podman', ['system', 'service', '--time=0', dockerHost], {
      detached: true,
      // conmon inherits the service's working directory and fails to start containers once that
      // folder is gone ("Failed to get working directory"): never leave it in a project checkout.
      cwd: '/',
      stdio: ['ignore', out, out],
    });
    child.once('exit', (code) => (exited = code));
    child.once('error', () => (exited = -1));
    child.unref();
  } finally {
    closeSync(out);
  }

  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await pingEngine(dockerHost, 1000)) {
      log('podman API service is up');
      return;
    }
    if (exited !== undefined) break;
    await sleep(200);
  }
  const tail = (await fs.readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
  throw new Error(`podman system service did not answer on ${socketPath} (exit code ${String(exited)}). Last log lines:\n${tail}`);
}

let enginePromise: Promise<Engine> | undefined;

/**
 * Finds or prepares a container engine and points testcontainers at it
 * (process.env.DOCKER_HOST and, for podman, TESTCONTAINERS_RYUK_DISABLED and
 * TESTCONTAINERS_HOST_OVERRIDE). Memoised per process.
 */
export function prepareEngine(log: Log = defaultLog): Promise<Engine> {
  enginePromise ??= detectOrStart(log).catch((err: unknown) => {
    enginePromise = undefined;
    throw err;
  });
  return enginePromise;
}

async function detectOrStart(log: Log): Promise<Engine> {
  await replaceCrippledPodmanService(podmanSocketPath(), log);
  const configured = process.env.DOCKER_HOST;
  if (configured) {
    if (await pingEngine(configured)) {
      const kind = await engineKind(configured);
      if (kind === 'podman') applyPodmanEnv(configured);
      log(`using ${kind} engine at DOCKER_HOST=${configured}`);
      return { kind, dockerHost: configured, local: configured.startsWith('unix://') };
    }
    // Our own podman socket from an earlier run whose service has gone: restart it.
    if (configured === `unix://${podmanSocketPath()}` && onPath('podman')) {
      await withLock('podman-service', log, async () => {
        if (!(await pingEngine(configured))) await startPodmanService(podmanSocketPath(), log);
      });
      applyPodmanEnv(configured);
      return { kind: 'podman', dockerHost: configured, local: true };
    }
    throw new Error(`DOCKER_HOST=${configured} is set but no container engine answers there (GET /_ping)`);
  }

  // A real engine on the default socket (the docker client binary alone proves nothing).
  const dockerSocket = `unix://${DOCKER_SOCKET}`;
  if (existsSync(DOCKER_SOCKET) && (await pingEngine(dockerSocket))) {
    const kind = await engineKind(dockerSocket);
    process.env.DOCKER_HOST = dockerSocket;
    if (kind === 'podman') applyPodmanEnv(dockerSocket);
    log(`using ${kind} engine at ${DOCKER_SOCKET}`);
    return { kind, dockerHost: dockerSocket, local: true };
  }

  // podman's Docker-compatible API service.
  const socketPath = podmanSocketPath();
  const dockerHost = `unix://${socketPath}`;
  if (!(await pingEngine(dockerHost))) {
    if (!onPath('podman') && !isRoot()) {
      log(INSTALL_HINT);
      throw new Error(INSTALL_HINT);
    }
    await withLock('podman-service', log, async () => {
      if (!(await pingEngine(dockerHost))) await startPodmanService(socketPath, log);
    });
  }
  log(`using podman engine at ${dockerHost}`);
  applyPodmanEnv(dockerHost);
  return { kind: 'podman', dockerHost, local: true };
}

/**
 * Makes a container engine usable by testcontainers: uses DOCKER_HOST or a
 * Docker engine on /var/run/docker.sock as they are; otherwise prepares podman
 * (installs it as root on Debian, writes /etc/containers/containers.conf when
 * absent, starts `podman system service` on /run/podman/podman.sock) and sets
 * DOCKER_HOST, TESTCONTAINERS_RYUK_DISABLED=true, TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1.
 * Throws an Error naming what to install when nothing can be used.
 */
export async function ensureContainerEngine(log: Log = defaultLog): Promise<void> {
  await prepareEngine(log);
}
