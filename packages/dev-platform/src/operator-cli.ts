import { execFile } from 'node:child_process';
import path from 'node:path';
import { findRepoRoot } from './platform';

/** The built `kyc` operator command (packages/operator-cli). */
export const kycBin = () => path.join(findRepoRoot(), 'packages/operator-cli/dist/main.js');

export interface KycRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `kyc` as an operator does: its own process, with the owning service's environment (e.g.
 * `platform.gatewayEnv` for partner and reviewer commands). Resolves with any exit status.
 */
export function runKyc(env: Record<string, string>, args: readonly string[], options: { timeoutMs?: number } = {}): Promise<KycRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [kycBin(), ...args],
      { env: { ...process.env, ...env }, timeout: options.timeoutMs ?? 60_000, maxBuffer: 256 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (err as { code?: unknown }).code : 0;
        if (typeof code !== 'number') return reject(err ?? new Error('kyc did not exit'));
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs `kyc --json …`; fails unless it exits 0; resolves to the objects it printed (JSON Lines). */
export async function kycJsonLines<T = Record<string, unknown>>(env: Record<string, string>, args: readonly string[]): Promise<T[]> {
  const run = await runKyc(env, ['--json', ...args]);
  if (run.code !== 0) throw new Error(`kyc ${args.slice(0, 2).join(' ')} exited ${run.code}: ${run.stderr.trim()}`);
  return run.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

/** Runs `kyc --json …` for a command that prints one object, and resolves to it. */
export async function kycJson<T = Record<string, unknown>>(env: Record<string, string>, args: readonly string[]): Promise<T> {
  const [first] = await kycJsonLines<T>(env, args);
  if (first === undefined) throw new Error(`kyc ${args.slice(0, 2).join(' ')} printed nothing`);
  return first;
}
