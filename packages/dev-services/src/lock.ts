import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sleep, type Log } from './util';

const LOCK_DIR = path.join(os.tmpdir(), 'kyc-dev-services-locks');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` while holding a machine-wide lock named `name`, so that parallel test
 * workers or CLIs do not build the same image or start the podman service twice.
 * A lock left behind by a dead process is taken over.
 */
export async function withLock<T>(name: string, log: Log, fn: () => Promise<T>): Promise<T> {
  await fs.mkdir(LOCK_DIR, { recursive: true });
  const lockPath = path.join(LOCK_DIR, `${name}.lock`);
  let announced = false;
  for (;;) {
    try {
      await fs.mkdir(lockPath);
      await fs.writeFile(path.join(lockPath, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(await fs.readFile(path.join(lockPath, 'pid'), 'utf8').catch(() => ''));
      if (owner > 0 && owner !== process.pid && !alive(owner)) {
        await fs.rm(lockPath, { recursive: true, force: true });
        continue;
      }
      if (!owner) {
        // Just created by someone else and pid not written yet, or abandoned
        // between mkdir and write: treat as stale after a grace period.
        const stat = await fs.stat(lockPath).catch(() => undefined);
        if (stat && Date.now() - stat.mtimeMs > 10_000) {
          await fs.rm(lockPath, { recursive: true, force: true });
          continue;
        }
      }
      if (!announced) {
        log(`waiting for another process (pid ${owner || '?'}) holding lock "${name}" ...`);
        announced = true;
      }
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lockPath, { recursive: true, force: true });
  }
}
