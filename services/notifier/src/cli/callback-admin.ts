#!/usr/bin/env node
/**
 * Operator CLI for partner callbacks (runs with the notifier's configuration, against its own
 * database, through the same application service as the NotifierService gRPC API):
 *   kyc-callbacks list --partner PARTNER_ID [--state pending|delivered|parked] [--limit N]
 *   kyc-callbacks show --id CALLBACK_ID
 *   kyc-callbacks resend --id CALLBACK_ID [--operator NAME]
 * Output is JSON lines. A resend is picked up by the running notifier within its poll interval.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '@kyc/core';
import { connectMongo, ensureIndexes } from '@kyc/mongo-kit';
import { masterKeyFromHex, PiiCipher } from '@kyc/pii-crypto';
import { CallbackRepository } from '../adapters/mongo/callback-repository';
import { DeliveryAttemptRepository } from '../adapters/mongo/delivery-attempt-repository';
import { CallbackAdmin } from '../application/callback-admin';
import { CallbackState } from '../domain/callback';
import { loadNotifierConfig } from '../config';

const USAGE =
  'usage: kyc-callbacks list --partner ID [--state pending|delivered|parked] [--limit N] | show --id CALLBACK_ID | resend --id CALLBACK_ID [--operator NAME]';

function stateOf(value: string | undefined): CallbackState | undefined {
  if (value === undefined) return undefined;
  const s = value.toUpperCase();
  if (s === 'PENDING' || s === 'DELIVERED' || s === 'PARKED') return s;
  throw new Error(`unknown state ${value}; one of pending, delivered, parked`);
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      partner: { type: 'string' },
      state: { type: 'string' },
      limit: { type: 'string' },
      id: { type: 'string' },
      operator: { type: 'string', default: process.env.USER ?? 'operator' },
    },
  });
  if (!['list', 'show', 'resend'].includes(command ?? '')) throw new Error(USAGE);
  const config = loadNotifierConfig();
  const logger = createLogger('callback-admin', 'warn');
  const mongo = await connectMongo(config.mongo.url, config.mongo.db, logger);
  try {
    const callbacks = new CallbackRepository(mongo, new PiiCipher(masterKeyFromHex(config.masterKey, config.masterKeyId)));
    const deliveryLog = new DeliveryAttemptRepository(mongo);
    await ensureIndexes([callbacks.model, deliveryLog.model]);
    const admin = new CallbackAdmin({ callbacks, deliveryLog, logger });
    const out = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);
    if (command === 'list') {
      if (!values.partner) throw new Error('--partner is required');
      for (const c of await admin.list(values.partner, stateOf(values.state), Number(values.limit ?? 0))) out(c);
    } else if (command === 'show') {
      if (!values.id) throw new Error('--id is required');
      out(await admin.show(values.id));
    } else {
      if (!values.id) throw new Error('--id is required');
      out(await admin.resend(values.id, values.operator!));
    }
    return 0;
  } finally {
    await mongo.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`kyc-callbacks: ${err.message}\n`);
    process.exit(1);
  },
);
