/**
 * Floors run as processes of their own, like the gateway, so their CPU time and memory are read
 * from /proc the same way and the load generator's work is not counted in them.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface FloorProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const running = new Set<FloorProcess>();

/** Stops every floor still running (an interrupted run). */
export async function stopAllFloors(): Promise<void> {
  await Promise.all([...running].map((f) => f.stop()));
}

/** Starts `floors/<script>` with node and waits for its "listening <port>" line. */
export async function startFloorProcess(script: string, env: Record<string, string> = {}): Promise<FloorProcess> {
  const child: ChildProcess = spawn(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, script)], {
    cwd: path.join(__dirname, '..', '..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`floor ${script} did not listen within 30 s`));
    }, 30_000);
    child.once('exit', (code) => reject(new Error(`floor ${script} exited with ${code} before listening`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^listening (\d+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  const floor: FloorProcess = {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        running.delete(floor);
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
  running.add(floor);
  return floor;
}
