import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Is the service ready? Answers true when it is, false or throws when not yet. The launcher asks
 * what an orchestrator would: the gRPC health service of a back-end service, `/readyz` of the
 * gateway (the same probes as the Helm chart's), never its log lines, which a log level can hide.
 */
export type ReadinessProbe = () => Promise<boolean>;

/** The command line that runs one service in the foreground; it is given the service's environment. */
export interface ServiceCommand {
  command: string;
  args: string[];
}

/** Makes the command line of a service from its name and environment (PlatformOptions.launch). */
export type ServiceLauncher = (service: string, env: Record<string, string>) => ServiceCommand;

/** Children still running: a launcher that exits (Ctrl-C mid-start, a failure) must not leave them behind. */
const liveChildren = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

/** One platform service running as its own Node process, as in production; its log goes to a file. */
export class ServiceProcess {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;

  constructor(
    readonly name: string,
    private readonly command: ServiceCommand,
    readonly env: Record<string, string>,
    readonly logFile: string,
    private readonly ready: ReadinessProbe,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(timeoutMs = 90_000): Promise<void> {
    const log = fs.createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(this.command.command, this.command.args, {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    liveChildren.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        liveChildren.delete(child);
        resolve(code);
      }),
    );
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));

    const deadline = Date.now() + timeoutMs;
    let lastProbe = 'no answer yet';
    for (;;) {
      if (!this.running) {
        const code = await this.exited;
        throw new Error(`${this.name} exited with ${code} before it was ready: ${stderr.trim() || `see ${this.logFile}`}`);
      }
      try {
        if (await this.ready()) return;
        lastProbe = 'not ready';
      } catch (err) {
        lastProbe = (err as Error).message;
      }
      if (Date.now() > deadline) {
        throw new Error(`${this.name} not ready after ${timeoutMs} ms (last probe: ${lastProbe}); see ${this.logFile}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Sends a signal and waits for the process to end (SIGKILL simulates a crash). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000): Promise<void> {
    if (!this.running) return;
    this.child!.kill(signal);
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

export function serviceEntry(repoRoot: string, service: string, file = 'dist/main.js'): string {
  return path.join(repoRoot, 'services', service, file);
}

/**
 * The default launcher: `node services/<name>/dist/main.js` of this checkout, with this node.
 * With KYC_CPU_PROFILE_DIR set, each service writes a V8 CPU profile there when it stops
 * (`--cpu-prof`, which NODE_OPTIONS does not accept).
 */
export const nodeLauncher =
  (repoRoot: string): ServiceLauncher =>
  (service) => {
    const profileDir = process.env.KYC_CPU_PROFILE_DIR;
    const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${service}.cpuprofile`] : [];
    return { command: process.execPath, args: [...profile, serviceEntry(repoRoot, service)] };
  };
