import { runKyc } from '@kyc/dev-platform';

/**
 * Runs `kyc --json roster …` (identity-lookup's roster commands) as an operator does: its own
 * process, with the service's database settings in the environment. Parses its JSON Lines: each
 * rejected row, then the summary. Exit status 4 means rows were rejected (the others imported).
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

export async function runRosterCli(env: Record<string, string>, args: string[]): Promise<RosterCliRun> {
  const t0 = process.hrtime.bigint();
  // Large benchmark rosters take minutes.
  const { code, stdout, stderr } = await runKyc(env, ['--json', 'roster', ...args], { timeoutMs: 30 * 60_000 });
  const lines = stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    code,
    stdout,
    stderr,
    seconds: Number(process.hrtime.bigint() - t0) / 1e9,
    rejected: lines.filter((l) => 'problems' in l) as unknown as RosterCliRun['rejected'],
    summary: lines.find((l) => 'summary' in l)?.summary as RosterCliRun['summary'],
  };
}
