import { CommanderError } from 'commander';

/**
 * Exit statuses of `kyc`, for scripts. Documented in the README (Operating) and by `kyc --help`;
 * changing one breaks the scripts that test for it.
 */
export const EXIT = {
  ok: 0,
  /** Anything else: database unreachable, configuration missing, an unexpected error. */
  failure: 1,
  /** Unknown command or option, a missing or invalid argument. */
  usage: 2,
  /** The partner, reviewer, school or callback named does not exist. */
  notFound: 3,
  /** A roster import finished, but rejected rows (printed); the valid rows were imported. */
  rejectedRows: 4,
} as const;

export const EXIT_CODES_HELP = [
  'Exit status:',
  `  ${EXIT.ok}  success`,
  `  ${EXIT.failure}  failure (database unreachable, configuration missing, unexpected error)`,
  `  ${EXIT.usage}  usage error (unknown command or option, missing or invalid argument)`,
  `  ${EXIT.notFound}  not found (no such partner, reviewer, school or callback)`,
  `  ${EXIT.rejectedRows}  roster import finished with rejected rows (the valid rows were imported)`,
].join('\n');

/** The status an error ends `kyc` with; the services signal kinds with KycError (@kyc/core). */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  const kind = (err as { kind?: unknown } | undefined)?.kind;
  if (kind === 'invalid_argument') return EXIT.usage;
  if (kind === 'not_found') return EXIT.notFound;
  return EXIT.failure;
}
