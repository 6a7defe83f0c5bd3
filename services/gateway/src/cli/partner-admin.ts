#!/usr/bin/env node
/**
 * Operator CLI for the partner registry (runs with the gateway's configuration):
 *   kyc-partner create --name NAME [--callback-url URL] [--features user-validate,member-verify]
 *     (default: every feature but the opt-out no-campus-merge, which turns seed 003 user merging off)
 *   kyc-partner set-callback --app-id APP_ID --url URL
 *   kyc-partner rotate-secret --app-id APP_ID
 * Credentials (app secret, webhook secret) are printed once, as JSON on stdout; only sealed copies
 * are stored. Every change is announced to the notifier (PartnerSettingsChanged) by the gateway.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '@kyc/core';
import { connectMongo, ensureIndexes } from '@kyc/mongo-kit';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { DEFAULT_PARTNER_FEATURES, PARTNER_FEATURES, PartnerRepository } from '../adapters/mongo/partner-repository';
import { loadGatewayConfig } from '../config';

/** A callback endpoint must be an absolute http(s) URL. */
function callbackUrlOf(value: string): string {
  if (!URL.canParse(value) || !['http:', 'https:'].includes(new URL(value).protocol)) throw new Error(`not an http(s) URL: ${value}`);
  return value;
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      'callback-url': { type: 'string' },
      features: { type: 'string', default: DEFAULT_PARTNER_FEATURES.join(',') },
      'app-id': { type: 'string' },
      url: { type: 'string' },
    },
  });
  const config = loadGatewayConfig();
  const logger = createLogger('partner-admin', 'warn');
  const mongo = await connectMongo(config.mongo.url, config.mongo.db, logger);
  try {
    const partners = new PartnerRepository(mongo, new PiiCipher(masterKeyFromHex(config.masterKey, config.masterKeyId)));
    await ensureIndexes([partners.model]);
    if (command === 'create') {
      if (!values.name) throw new Error('--name is required');
      const features = values.features!.split(',').map((f) => f.trim()).filter(Boolean);
      const unknown = features.filter((f) => !(PARTNER_FEATURES as readonly string[]).includes(f));
      if (unknown.length) throw new Error(`unknown feature(s): ${unknown.join(', ')}; known: ${PARTNER_FEATURES.join(', ')}`);
      const callbackUrl = values['callback-url'] ? callbackUrlOf(values['callback-url']) : '';
      const creds = await partners.create({ name: values.name, callbackUrl, features });
      process.stdout.write(
        `${JSON.stringify({ app_id: creds.appId, app_secret: creds.secret, webhook_secret: creds.webhookSecret, callback_url: callbackUrl, features })}\n`,
      );
      return 0;
    }
    if (command === 'rotate-secret') {
      if (!values['app-id']) throw new Error('--app-id is required');
      const secret = await partners.rotateSecret(values['app-id']);
      if (!secret) throw new Error(`no partner with app_id ${values['app-id']}`);
      process.stdout.write(`${JSON.stringify({ app_id: values['app-id'], app_secret: secret })}\n`);
      return 0;
    }
    if (command === 'set-callback') {
      if (!values['app-id'] || values.url === undefined) throw new Error('--app-id and --url are required');
      const url = values.url === '' ? '' : callbackUrlOf(values.url);
      if (!(await partners.setCallback(values['app-id'], url))) throw new Error(`no partner with app_id ${values['app-id']}`);
      process.stdout.write(`${JSON.stringify({ app_id: values['app-id'], callback_url: url })}\n`);
      return 0;
    }
    throw new Error(
      'usage: kyc-partner create --name NAME [--callback-url URL] [--features a,b] | set-callback --app-id ID --url URL | rotate-secret --app-id ID',
    );
  } finally {
    await mongo.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`kyc-partner: ${err.message}\n`);
    process.exit(1);
  },
);
