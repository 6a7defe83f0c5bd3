import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { aptGetInstall, defaultLog, withLock, type Log } from '@kyc/dev-services';

/**
 * Browser tests drive Debian's `chromium` package with playwright-core (no browser download from
 * a CDN). When it is missing on a Debian machine where the tests run as root, it is installed
 * once with apt-get, the way the dev services install podman; elsewhere the tests say what to do.
 */

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const CHROMIUM_INSTALL_HINT =
  'browser tests need Chromium: on Debian/Ubuntu as root run `apt-get update && apt-get install -y chromium`, ' +
  'or set KYC_CHROMIUM to the path of a Chromium or Chrome binary';

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function findChromium(): string | undefined {
  const chosen = process.env.KYC_CHROMIUM;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`KYC_CHROMIUM=${chosen} does not exist`);
    return chosen;
  }
  return CANDIDATES.find((p) => existsSync(p));
}

async function installChromium(log: Log): Promise<string> {
  return withLock('apt-get-chromium', log, async () => {
    // Another worker may have installed it while this one waited for the lock.
    const found = findChromium();
    if (found) return found;
    const title = 'installing chromium for the browser tests (apt-get, one-time)';
    await aptGetInstall({ packages: ['chromium'], title, slug: 'apt-get-chromium', hint: CHROMIUM_INSTALL_HINT }, log);
    const installed = findChromium();
    if (!installed) throw new Error(`apt-get installed chromium but no binary was found at ${CANDIDATES.join(' or ')}`);
    return installed;
  });
}

let executable: Promise<string> | undefined;

/** The system Chromium's path, installing it first when needed (once per process). */
export function chromiumExecutable(log: Log = defaultLog): Promise<string> {
  executable ??= Promise.resolve(findChromium() ?? installChromium(log)).catch((err: unknown) => {
    executable = undefined;
    throw err;
  });
  return executable;
}

/** A headless Chromium; its sandbox is turned off only when running as root, where it cannot start. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: await chromiumExecutable(),
    headless: true,
    args: isRoot() ? ['--no-sandbox'] : [],
    timeout: 60_000,
  });
}
