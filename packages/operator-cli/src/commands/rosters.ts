import { Command, Option } from 'commander';
import type { RejectedRow, SchoolChanges } from '@kyc/identity-lookup/dist/cli';
import { Cli, positiveInt, Row, yesNo } from '../cli';
import { EXIT } from '../exit-codes';
import { jsonLines, recordOf, tableOf } from '../output';
import { progressBar } from '../progress';

/** `kyc roster`: identity-lookup's operator commands for seed 003 campus rosters (its database and configuration). */
export function addRosterCommands(cli: Cli): void {
  const roster = cli.group('roster', 'seed 003 campus rosters: schools and their people (identity-lookup\'s database)');
  const schoolOptions = (cmd: Command) =>
    cmd
      .requiredOption('--partner <app-id>', 'the partner the school belongs to')
      .requiredOption('--customer-code <code>', 'the school\'s customer code')
      .option('--name <name>', 'the school\'s name (creates the school, or renames it)')
      .addOption(new Option('--ecard-school <bool>', 'whether the school has an e-card system').argParser(yesNo))
      .option('--dpcode <code>', 'the school\'s code at the e-card system');
  interface SchoolOpts {
    partner: string;
    customerCode: string;
    name?: string;
    ecardSchool?: boolean;
    dpcode?: string;
  }
  const changesOf = (o: SchoolOpts): SchoolChanges => ({
    ...(o.name !== undefined ? { customerName: o.name } : {}),
    ...(o.ecardSchool !== undefined ? { ecardSchool: o.ecardSchool } : {}),
    ...(o.dpcode !== undefined ? { dpcode: o.dpcode } : {}),
  });
  schoolOptions(roster.command('school').description('shows a school; with --name, --ecard-school or --dpcode creates or changes it first')).action(
    async (opts: SchoolOpts, cmd: Command) => {
      cli.show(cmd, (await (await cli.services.rosters()).defineSchool({ partnerId: opts.partner, customerCode: opts.customerCode }, changesOf(opts))) as unknown as Row);
    },
  );
  roster
    .command('list')
    .description('schools and how many people each roster holds')
    .option('--partner <app-id>', 'only this partner\'s schools')
    .action(async (opts: { partner?: string }, cmd: Command) => {
      const schools = await (await cli.services.rosters()).listSchools(opts.partner);
      cli.show(cmd, schools as unknown as Row[], ['partnerId', 'customerCode', 'customerName', 'ecardSchool', 'dpcode', 'people']);
    });
  roster
    .command('columns')
    .description('the accepted column headers of a roster file')
    .action(async (_opts, cmd: Command) => cli.show(cmd, (await cli.services.rosters()).rosterColumns() as unknown as Row[], ['field', 'required', 'headers']));
  schoolOptions(
    roster
      .command('import')
      .description(
        'imports a roster file (CSV or XLSX): writes the valid rows, reports each rejected row by line and column (never its values); ' +
          're-importing a file changes nothing',
      ),
  )
    .requiredOption('--file <file>', 'ROSTER.csv, ROSTER.xlsx, or - for standard input (needs --format)')
    .addOption(new Option('--format <format>', 'the file\'s format when its name does not tell').choices(['csv', 'xlsx']))
    .option('--encoding <label>', 'a CSV file\'s encoding: utf-8 (default), gb18030 or gbk')
    .option('--dry-run', 'checks every row, writes nothing')
    .option('--remove-missing', 'also removes people the file no longer lists (skipped when any row was rejected)')
    .option('--batch-size <n>', 'rows written per batch (default: ROSTER_IMPORT_BATCH_SIZE or 1000)', positiveInt)
    .addHelpText('after', `\nWith --json: one line per rejected row {"line","problems":[{"column","reason"}]}, then {"summary":{...}}.`)
    .action(
      async (
        opts: SchoolOpts & { file: string; format?: string; encoding?: string; dryRun?: boolean; removeMissing?: boolean; batchSize?: number },
        cmd: Command,
      ) => {
        const { json, progress } = cli.globals(cmd);
        const rejected: RejectedRow[] = [];
        const shown = { bytes: 0, rows: 0, rejected: 0 };
        let bar: ReturnType<typeof progressBar>;
        const redraw = () => bar?.update(shown.bytes, { rows: shown.rows, rejected: shown.rejected });
        // Rejected rows stream out as JSON Lines, unless a bar shares the terminal with them.
        const streamRejections = () => json && !(bar && cli.io.stdout.isTTY);
        let result;
        try {
          result = await (await cli.services.rosters()).importRoster(
            {
              partnerId: opts.partner,
              customerCode: opts.customerCode,
              file: opts.file,
              format: opts.format,
              encoding: opts.encoding,
              school: changesOf(opts),
              dryRun: opts.dryRun,
              removeMissing: opts.removeMissing,
              batchSize: opts.batchSize,
            },
            {
              onStart: ({ size }) => {
                const format = size
                  ? 'roster import [{bar}] {percentage}% | {rows} rows | {rejected} rejected | ETA {eta_formatted}'
                  : 'roster import | {rows} rows | {rejected} rejected';
                bar = progressBar(cli.io.stderr, progress, format, size, { rows: 0, rejected: 0 });
              },
              onBytes: (n) => {
                shown.bytes = n;
                redraw();
              },
              onProgress: (p) => {
                Object.assign(shown, p);
                redraw();
              },
              onRejected: (row) => (streamRejections() ? cli.io.stdout.write(jsonLines(row)) : rejected.push(row)),
              onIgnoredColumns: (headers) => cli.say(`note: ignoring columns that name no roster field: ${headers.join(', ')}`),
            },
          );
        } finally {
          bar?.stop();
        }
        if (json) cli.io.stdout.write(jsonLines([...rejected, { summary: result }]));
        else {
          const problems = rejected.flatMap((r) => r.problems.map((p) => ({ line: r.line, column: p.column, reason: p.reason })));
          if (problems.length) cli.io.stdout.write(tableOf(problems, ['line', 'column', 'reason']));
          cli.io.stdout.write(recordOf(result as unknown as Row));
        }
        const seconds = Math.max(result.elapsedMs / 1000, 0.001);
        cli.say(
          `${result.dryRun ? 'checked' : 'imported'} ${result.rows} rows of school ${opts.customerCode} in ${seconds.toFixed(1)} s ` +
            `(${Math.round(result.rows / seconds)} rows/s): ${result.inserted} new, ${result.updated} updated, ${result.unchanged} unchanged, ` +
            `${result.rejected} rejected${opts.removeMissing ? `, ${result.removed} removed` : ''}` +
            (result.removalSkipped ? ' (removal skipped: fix the rejected rows first)' : ''),
        );
        if (result.rejected) cli.state.exitCode = EXIT.rejectedRows;
      },
    );

}
