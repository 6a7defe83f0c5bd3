import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crippledPodmanServices } from './engine';

describe('crippledPodmanServices', () => {
  it('when a service process for the socket runs in a deleted folder, then it is reported; otherwise not', async () => {
    const socket = path.join(os.tmpdir(), `kyc-test-${process.pid}.sock`);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kyc-cwd-'));
    // Stand-ins with the service's command-line shape: node ignores the extra arguments.
    const args = ['-e', 'setTimeout(() => {}, 60000)', 'system', 'service', '--time=0', `unix://${socket}`];
    const doomed = spawn(process.execPath, args, { cwd: dir, stdio: 'ignore' });
    const healthy = spawn(process.execPath, args, { cwd: '/', stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(await crippledPodmanServices(socket)).toEqual([]);
      rmSync(dir, { recursive: true, force: true });
      expect(await crippledPodmanServices(socket)).toEqual([doomed.pid]);
    } finally {
      doomed.kill();
      healthy.kill();
    }
  });
});
