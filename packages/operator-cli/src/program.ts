import { Command, CommanderError } from 'commander';
import { cliOf } from './cli';
import { addCallbackCommands } from './commands/callbacks';
import { addGatewayCommands } from './commands/gateway';
import { addRosterCommands } from './commands/rosters';
import { EXIT, EXIT_CODES_HELP, exitCodeOf } from './exit-codes';
import { Io } from './output';
import { OperatorServices } from './services';

/**
 * The `kyc` command: one front end for the operator commands each service keeps next to its own
 * database (gateway: partners, reviewers, companies; identity-lookup: rosters; notifier:
 * callbacks). It parses, formats (tables for people, --json for scripts), draws progress and
 * turns outcomes into exit statuses; the services do the work.
 */
export function buildProgram(services: OperatorServices, io: Io, state: { exitCode: number }): Command {
  const program = new Command('kyc')
    .description('Operator commands of the KYC platform. Each runs with the owning service\'s configuration from the environment (MONGO_URL, MONGO_DB, KYC_MASTER_KEY, ...).')
    .option('--json', 'JSON Lines on standard output (one object per line; a list gives one line per item), for scripts')
    .option('--progress', 'draw progress bars on standard error even when it is not a terminal')
    .option('--no-progress', 'never draw progress bars')
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .showSuggestionAfterError()
    // These settings are copied to every subcommand created after them.
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  const cli = cliOf(program, services, io, state);
  addGatewayCommands(cli);
  addRosterCommands(cli);
  addCallbackCommands(cli);
  return program;
}

/** Runs `kyc` with the given arguments (without node and script); resolves to the exit status. */
export async function runKyc(argv: readonly string[], services: OperatorServices, io: Io): Promise<number> {
  const state = { exitCode: EXIT.ok as number };
  try {
    await buildProgram(services, io, state).parseAsync([...argv], { from: 'user' });
    return state.exitCode;
  } catch (err) {
    const code = exitCodeOf(err);
    // Commander has printed its own message (usage errors, help).
    if (!(err instanceof CommanderError)) io.stderr.write(`kyc: ${(err as Error)?.message ?? String(err)}\n`);
    return code;
  }
}
