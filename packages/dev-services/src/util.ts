import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export type Log = (line: string) => void;

/** Default logger: progress lines on stderr, prefixed so they stand out in test output. */
export const defaultLog: Log = (line) => {
  process.stderr.write(`[dev-services] ${line}\n`);
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A TCP port that is free right now, for a server started a moment later by another process.
 *
 * Not port 0's pick: the OS hands those out from its ephemeral range, the same range every
 * outgoing connection (Kafka, MongoDB, gRPC clients) takes its local port from, so between
 * releasing such a port and the service binding it, a client socket can take it and the service
 * fails with EADDRINUSE. Ports are drawn below that range instead, never twice per process.
 */
export async function freePort(): Promise<number> {
  const [low, high] = listenPortRange();
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = low + randomInt(high - low + 1);
    if (handedOut.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free TCP port in ${low}-${high} after 100 tries`);
}

const handedOut = new Set<number>();

/** Ports 20000 up to just below the OS's ephemeral range (Linux reports it; elsewhere it starts higher). */
function listenPortRange(): [number, number] {
  let ephemeralLow = 32768;
  try {
    ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || ephemeralLow;
  } catch {
    // not Linux: macOS and Windows start their ephemeral ranges at 49152
  }
  const low = ephemeralLow > 21000 ? 20000 : 10000;
  return [low, Math.max(low + 1000, Math.min(ephemeralLow - 1, 32767))];
}

/** Binding the wildcard address fails if any local address already listens on the port. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Resolves when a TCP connection to host:port succeeds; rejects after timeoutMs. */
export async function waitForTcp(host: string, port: number, timeoutMs: number, pollMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect({ host, port });
        socket.setTimeout(2000);
        socket.once('connect', () => {
          socket.destroy();
          resolve();
        });
        socket.once('timeout', () => {
          socket.destroy();
          reject(new Error('connect timeout'));
        });
        socket.once('error', (err) => {
          socket.destroy();
          reject(err);
        });
      });
      return;
    } catch (err) {
      lastError = err;
      await sleep(pollMs);
    }
  }
  throw new Error(`${host}:${port} did not accept TCP connections within ${timeoutMs} ms: ${String(lastError)}`);
}

export interface RunOptions {
  /** Called with each output line (stdout and stderr). */
  onLine?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Runs a command, streaming its output line by line. Resolves with the exit code;
 * never rejects on a non-zero exit (callers decide), rejects if it cannot be started.
 */
export function run(command: string, args: string[], opts: RunOptions = {}): Promise<{ code: number; output: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    const feed = (stream: NodeJS.ReadableStream): void => {
      let buffer = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.search(/[\r\n]/)) >= 0) {
          // eslint-disable-next-line no-control-regex
          const line = buffer.slice(0, nl).replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
          buffer = buffer.slice(nl + 1);
          if (line.trim() !== '') {
            output.push(line);
            if (output.length > 200) output.shift();
            opts.onLine?.(line);
          }
        }
      });
      stream.on('end', () => {
        if (buffer.trim() !== '') {
          output.push(buffer);
          opts.onLine?.(buffer);
        }
      });
    };
    feed(child.stdout);
    feed(child.stderr);
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

/** True when `command` resolves to an executable on PATH. */
export function onPath(command: string): boolean {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return dirs.some((dir) => existsSync(path.join(dir, command)));
}

/**
 * The repository root: the nearest directory above `from` (default: this file's
 * directory) that contains deploy/images. KYC_REPO_ROOT overrides the search.
 */
export function findRepoRoot(from: string = __dirname): string {
  const override = process.env.KYC_REPO_ROOT;
  if (override) return path.resolve(override);
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, 'deploy', 'images'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`cannot find the repository root (a directory containing deploy/images) above ${from}; set KYC_REPO_ROOT`);
    }
    dir = parent;
  }
}
