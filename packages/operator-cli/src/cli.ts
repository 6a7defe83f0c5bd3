import { Command, InvalidArgumentError } from 'commander';
import { EXIT_CODES_HELP } from './exit-codes';
import { Io, jsonLines, recordOf, Row, tableOf } from './output';
import { OperatorServices } from './services';

export type { Row } from './output';

/** Options every subcommand takes (before or after its name). */
export interface GlobalOptions {
  json?: boolean;
  progress?: boolean;
}

/** What the command groups share: the services, where to write, and the exit status so far. */
export interface Cli {
  services: OperatorServices;
  io: Io;
  state: { exitCode: number };
  /** A command group (`kyc partner`, …), with the exit statuses in its help. */
  group(name: string, description: string): Command;
  globals(cmd: Command): GlobalOptions;
  /** Prints a result: JSON Lines with --json, else a table (lists) or a record (one object). */
  show(cmd: Command, value: Row | Row[], columns?: readonly string[]): void;
  /** A message for the operator, on standard error. */
  say(line: string): void;
}

export function cliOf(program: Command, services: OperatorServices, io: Io, state: { exitCode: number }): Cli {
  const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOptions>();
  return {
    services,
    io,
    state,
    group: (name, description) => program.command(name).description(description).addHelpText('after', `\n${EXIT_CODES_HELP}`),
    globals,
    show: (cmd, value, columns) => {
      if (globals(cmd).json) io.stdout.write(jsonLines(value));
      else io.stdout.write(Array.isArray(value) ? tableOf(value, columns ?? Object.keys(value[0] ?? {})) : recordOf(value));
    },
    say: (line) => io.stderr.write(`kyc: ${line}\n`),
  };
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

export function yesNo(value: string): boolean {
  if (/^(true|yes|1)$/i.test(value)) return true;
  if (/^(false|no|0)$/i.test(value)) return false;
  throw new InvalidArgumentError('must be true or false');
}

export const commaList = (value: string) => value.split(',').map((f) => f.trim()).filter(Boolean);
