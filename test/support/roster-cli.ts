import { execFile } from 'node:child_process';
import path from 'node:path';
import { findRepoRoot } from '@kyc/dev-platform';

/**
 * Runs identity-lookup's operator CLI (kyc-roster) as an operator does: its own process, with the
 * service's database settings in the environment. Parses its JSON-lines output.
 */
export interface RosterCliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time of the whole command. */
  seconds: number;
  rejected: { line: number; problems: { column: string; reason: string }[] }[];
  summary?: Record<string, number | string | boolean>;
}

export function runRosterCli(env: Record<string, string>, args: string[]): Promise<RosterCliRun> {
  const cli = path.join(findRepoRoot(), 'services/identity-lookup/dist/cli/roster-admin.js');
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      const lines = stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({
        code: err ? Number((err as { code?: number }).code ?? 1) : 0,
        stdout,
        stderr,
        seconds: Number(process.hrtime.bigint() - t0) / 1e9,
        rejected: lines.filter((l) => 'problems' in l) as unknown as RosterCliRun['rejected'],
        summary: lines.find((l) => 'summary' in l)?.summary as RosterCliRun['summary'],
      });
    });
  });
}
