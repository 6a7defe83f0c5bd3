#!/usr/bin/env node
/**
 * Operator CLI for the partner registry (runs with the gateway's configuration):
 *   kyc-partner create --name NAME [--callback-url URL] [--features user-validate,...]
 *   kyc-partner rotate-secret --app-id APP_ID
 * Credentials are printed once, as JSON on stdout; only the sealed secret is stored.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '@kyc/core';
import { connectMongo, ensureIndexes } from '@kyc/mongo-kit';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { PARTNER_FEATURES, PartnerRepository } from '../adapters/mongo/partner-repository';
import { loadGatewayConfig } from '../config';

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      'callback-url': { type: 'string' },
      features: { type: 'string', default: PARTNER_FEATURES.join(',') },
      'app-id': { type: 'string' },
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
      const creds = await partners.create({ name: values.name, callbackUrl: values['callback-url'], features });
      process.stdout.write(`${JSON.stringify({ app_id: creds.appId, app_secret: creds.secret, features })}\n`);
      return 0;
    }
    if (command === 'rotate-secret') {
      if (!values['app-id']) throw new Error('--app-id is required');
      const secret = await partners.rotateSecret(values['app-id']);
      if (!secret) throw new Error(`no partner with app_id ${values['app-id']}`);
      process.stdout.write(`${JSON.stringify({ app_id: values['app-id'], app_secret: secret })}\n`);
      return 0;
    }
    throw new Error('usage: kyc-partner create --name NAME [--callback-url URL] [--features a,b] | rotate-secret --app-id ID');
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
