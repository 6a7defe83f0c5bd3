import { Command, InvalidArgumentError, Option } from 'commander';
import type { CallbackState } from '@kyc/notifier/dist/cli';
import { Cli, positiveInt, Row } from '../cli';
import { EXIT } from '../exit-codes';
import { jsonLines, recordOf, tableOf } from '../output';
import { progressBar } from '../progress';

/** `kyc callbacks`: the notifier's operator commands for partner callbacks (its database and configuration). */
export function addCallbackCommands(cli: Cli): void {
  const callbacks = cli.group('callbacks', 'partner result callbacks: state, delivery log, resends (the notifier\'s database)');
  const states: CallbackState[] = ['PENDING', 'DELIVERED', 'PARKED'];
  const stateOption = () =>
    new Option('--state <state>', 'pending, delivered or parked').argParser((v: string) => {
      if (!states.includes(v.toUpperCase() as CallbackState)) throw new InvalidArgumentError('must be pending, delivered or parked');
      return v.toUpperCase() as CallbackState;
    });
  callbacks
    .command('list')
    .description('a partner\'s callbacks, newest first')
    .requiredOption('--partner <app-id>', 'the partner')
    .addOption(stateOption())
    .option('--limit <n>', 'at most this many (default 50, at most 500)', positiveInt)
    .action(async (opts: { partner: string; state?: CallbackState; limit?: number }, cmd: Command) => {
      const listed = await (await cli.services.callbacks()).listCallbacks(opts.partner, opts.state, opts.limit);
      cli.show(cmd, listed as unknown as Row[], ['callbackId', 'state', 'attempts', 'method', 'succeeded', 'createdAt', 'deliveredAt', 'parkReason', 'lastOutcome']);
    });
  callbacks
    .command('show')
    .description('one callback and its delivery log')
    .requiredOption('--id <callback-id>', 'the callback')
    .action(async (opts: { id: string }, cmd: Command) => {
      const shown = await (await cli.services.callbacks()).showCallback(opts.id);
      if (cli.globals(cmd).json) return void cli.io.stdout.write(jsonLines(shown));
      cli.io.stdout.write(recordOf(shown.callback as unknown as Row));
      cli.io.stdout.write(tableOf(shown.attempts as unknown as Row[], ['attempt', 'startedAt', 'httpStatus', 'latencyMs', 'outcome']));
    });
  callbacks
    .command('resend')
    .description('queues callbacks for delivery again, keeping their ids: named ones (any state), or a partner\'s in one state')
    .option('--id <callback-id...>', 'the callbacks to resend')
    .option('--partner <app-id>', 'resend this partner\'s callbacks in --state (parked unless given)')
    .addOption(stateOption())
    .option('--limit <n>', 'with --partner: at most this many, newest first (default and most: 500)', positiveInt)
    .option('--operator <name>', 'who asks, for the notifier\'s log (default: $USER)')
    .addHelpText('after', '\nThe running notifier delivers them within its poll interval.')
    .action(async (opts: { id?: string[]; partner?: string; state?: CallbackState; limit?: number; operator?: string }, cmd: Command) => {
      if (Boolean(opts.id?.length) === Boolean(opts.partner)) cmd.error('error: give either --id or --partner', { exitCode: EXIT.usage });
      const selection = opts.id?.length ? { ids: opts.id } : { partnerId: opts.partner!, state: opts.state, limit: opts.limit };
      let bar: ReturnType<typeof progressBar>;
      let outcome;
      try {
        outcome = await (await cli.services.callbacks()).resendCallbacks(selection, opts.operator ?? cli.io.user ?? 'operator', {
          onStart: (total) => (bar = total > 1 ? progressBar(cli.io.stderr, cli.globals(cmd).progress, 'resend [{bar}] {value}/{total} callbacks | ETA {eta_formatted}', total) : undefined),
          onProgress: (done) => bar?.update(done),
        });
      } finally {
        bar?.stop();
      }
      cli.show(cmd, outcome.resent as unknown as Row[], ['callbackId', 'partnerId', 'state', 'attempts', 'nextAttemptAt']);
      for (const id of outcome.missing) cli.say(`no callback ${id}`);
      cli.say(`queued ${outcome.resent.length} callback(s) for delivery${outcome.missing.length ? `; ${outcome.missing.length} not found` : ''}`);
      if (outcome.missing.length) cli.state.exitCode = EXIT.notFound;
    });

}
