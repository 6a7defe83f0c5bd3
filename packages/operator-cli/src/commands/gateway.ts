import { Command } from 'commander';
import { Cli, commaList, Row } from '../cli';

/** `kyc partner`, `kyc reviewer`, `kyc company`: the gateway's operator commands (its database and configuration). */
export function addGatewayCommands(cli: Cli): void {
  const partner = cli.group('partner', 'partners: registration, secrets, callback URL (the gateway\'s database)');
  partner
    .command('create')
    .description('registers a partner; prints its app secret and webhook secret once')
    .requiredOption('--name <name>', 'the partner\'s name')
    .option('--callback-url <url>', 'default endpoint for result callbacks (http or https)')
    .option('--features <list>', 'comma-separated features (default: all but the opt-out no-campus-merge)', commaList)
    .action(async (opts: { name: string; callbackUrl?: string; features?: string[] }, cmd: Command) => {
      const created = await (await cli.services.gateway()).createPartner(opts);
      cli.show(cmd, created as unknown as Row);
    });
  partner
    .command('list')
    .description('partners, oldest first, without secrets')
    .action(async (_opts, cmd: Command) => {
      cli.show(cmd, (await (await cli.services.gateway()).listPartners()) as unknown as Row[], ['app_id', 'name', 'features', 'callback_url', 'active', 'created_at']);
    });
  partner
    .command('rotate-secret')
    .description('replaces the app secret (printed once); the old one stops working at once')
    .requiredOption('--app-id <id>', 'the partner')
    .action(async (opts: { appId: string }, cmd: Command) => cli.show(cmd, await (await cli.services.gateway()).rotatePartnerSecret(opts.appId)));
  partner
    .command('set-callback')
    .description('sets the default callback URL ("" leaves per-request URLs only)')
    .requiredOption('--app-id <id>', 'the partner')
    .requiredOption('--url <url>', 'http(s) URL, or "" for none')
    .action(async (opts: { appId: string; url: string }, cmd: Command) => cli.show(cmd, await (await cli.services.gateway()).setPartnerCallback(opts.appId, opts.url)));

  const reviewer = cli.group('reviewer', 'reviewers of the manual-review API and console (the gateway\'s database)');
  reviewer
    .command('create')
    .description('registers a reviewer; prints its bearer token once (only its hash is kept)')
    .requiredOption('--name <name>', 'the reviewer\'s name')
    .action(async (opts: { name: string }, cmd: Command) => cli.show(cmd, await (await cli.services.gateway()).createReviewer(opts.name)));
  reviewer
    .command('list')
    .description('reviewers, without tokens')
    .action(async (_opts, cmd: Command) => {
      cli.show(cmd, (await (await cli.services.gateway()).listReviewers()) as unknown as Row[], ['reviewer_id', 'name', 'active', 'created_at']);
    });
  reviewer
    .command('rotate-token')
    .description('replaces the token (printed once); the old one stops working at once')
    .requiredOption('--id <reviewer-id>', 'the reviewer')
    .action(async (opts: { id: string }, cmd: Command) => cli.show(cmd, await (await cli.services.gateway()).rotateReviewerToken(opts.id)));
  for (const [name, active] of [['disable', false], ['enable', true]] as const) {
    reviewer
      .command(name)
      .description(active ? 'accepts the reviewer\'s token again' : 'refuses the reviewer\'s token from now on')
      .requiredOption('--id <reviewer-id>', 'the reviewer')
      .action(async (opts: { id: string }, cmd: Command) => cli.show(cmd, await (await cli.services.gateway()).setReviewerActive(opts.id, active)));
  }

  const company = cli.group('company', 'seed 004 companies: RSA public keys (a company is a partner with feature idcard-check)');
  company
    .command('register-key')
    .description('registers or replaces a company\'s public key; prints its fingerprint to confirm with the company')
    .requiredOption('--company-id <app-id>', 'the partner\'s app_id')
    .requiredOption('--public-key-file <file>', 'the key as PEM, or the bare base64 Alipay\'s console shows')
    .action(async (opts: { companyId: string; publicKeyFile: string }, cmd: Command) => {
      const registered = await (await cli.services.gateway()).registerCompanyKey(opts.companyId, opts.publicKeyFile);
      if (!registered.idcard_check) cli.say(`note: partner ${registered.company_id} lacks feature idcard-check; seed 004 refuses it until it has it`);
      cli.show(cmd, registered as unknown as Row);
    });
  company
    .command('list')
    .description('companies with a registered key')
    .action(async (_opts, cmd: Command) => {
      cli.show(cmd, (await (await cli.services.gateway()).listCompanyKeys()) as unknown as Row[], ['company_id', 'fingerprint', 'registered_at']);
    });

}
