#!/usr/bin/env node
/**
 * Operator CLI for seed 004 companies (runs with the gateway's configuration):
 *   kyc-company register-key --company-id APP_ID --public-key-file FILE
 * A company is a partner (companyId = its app_id) granted the idcard-check feature. The file holds
 * the company's RSA public key as PEM or as the bare base64 Alipay's console shows. Prints
 * {company_id, fingerprint} as JSON, for the operator to confirm with the company.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger } from '@kyc/core';
import { connectMongo, ensureIndexes } from '@kyc/mongo-kit';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { CompanyKeyRepository } from '../adapters/mongo/company-key-repository';
import { PartnerRepository } from '../adapters/mongo/partner-repository';
import { loadGatewayConfig } from '../config';
import { InvalidPublicKeyError } from '../domain/alipay-signature';

const USAGE = 'usage: kyc-company register-key --company-id APP_ID --public-key-file FILE';

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: { 'company-id': { type: 'string' }, 'public-key-file': { type: 'string' } },
  });
  if (command !== 'register-key') throw new Error(USAGE);
  const companyId = values['company-id'];
  const file = values['public-key-file'];
  if (!companyId || !file) throw new Error(USAGE);
  const keyText = fs.readFileSync(file, 'utf8');

  const config = loadGatewayConfig();
  const logger = createLogger('company-admin', 'warn');
  const mongo = await connectMongo(config.mongo.url, config.mongo.db, logger);
  try {
    const partners = new PartnerRepository(mongo, new PiiCipher(masterKeyFromHex(config.masterKey, config.masterKeyId)));
    const keys = new CompanyKeyRepository(mongo);
    await ensureIndexes([keys.model]);
    const partner = await partners.find(companyId);
    if (!partner) throw new Error(`no partner with app_id ${companyId}; create it with kyc-partner first`);
    // Registering a key for a partner without the feature is allowed (keys may come first), but worth a word.
    if (!partner.features.includes('idcard-check')) process.stderr.write(`kyc-company: note: partner ${companyId} lacks feature idcard-check\n`);
    const registered = await keys.register(companyId, keyText);
    process.stdout.write(`${JSON.stringify({ company_id: registered.companyId, fingerprint: registered.fingerprint })}\n`);
    return 0;
  } finally {
    await mongo.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`kyc-company: ${err instanceof InvalidPublicKeyError ? `invalid public key: ${err.message}` : err.message}\n`);
    process.exit(1);
  },
);
