#!/usr/bin/env node
/**
 * Operator CLI for reviewers of the manual-review API (runs with the gateway's configuration):
 *   kyc-reviewer create --name NAME        registers a reviewer, prints its bearer token once
 *   kyc-reviewer rotate-token --id ID      replaces the token; the old one stops working at once
 *   kyc-reviewer disable --id ID           refuses the reviewer's token from now on
 *   kyc-reviewer enable --id ID
 *   kyc-reviewer list                      reviewers without tokens
 * Output is JSON on stdout. Only the SHA-256 of a token is stored; a lost token cannot be shown
 * again, only rotated.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '@kyc/core';
import { connectMongo, ensureIndexes } from '@kyc/mongo-kit';
import { ReviewerRepository } from '../adapters/mongo/reviewer-repository';
import { loadGatewayConfig } from '../config';

const USAGE = 'usage: kyc-reviewer create --name NAME | rotate-token --id ID | disable --id ID | enable --id ID | list';

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, id: { type: 'string' } } });
  if (!['create', 'rotate-token', 'disable', 'enable', 'list'].includes(command ?? '')) throw new Error(USAGE);
  const config = loadGatewayConfig();
  const logger = createLogger('reviewer-admin', 'warn');
  const mongo = await connectMongo(config.mongo.url, config.mongo.db, logger);
  try {
    const reviewers = new ReviewerRepository(mongo);
    await ensureIndexes([reviewers.model]);
    const requireId = () => {
      if (!values.id) throw new Error('--id is required');
      return values.id;
    };
    switch (command) {
      case 'create': {
        if (!values.name?.trim()) throw new Error('--name is required');
        const { reviewer, token } = await reviewers.create(values.name);
        print({ reviewer_id: reviewer.id, name: reviewer.name, token });
        return 0;
      }
      case 'rotate-token': {
        const id = requireId();
        const token = await reviewers.rotateToken(id);
        if (!token) throw new Error(`no reviewer with id ${id}`);
        print({ reviewer_id: id, token });
        return 0;
      }
      case 'disable':
      case 'enable': {
        const id = requireId();
        if (!(await reviewers.setActive(id, command === 'enable'))) throw new Error(`no reviewer with id ${id}`);
        print({ reviewer_id: id, active: command === 'enable' });
        return 0;
      }
      default: {
        for (const r of await reviewers.list()) print({ reviewer_id: r.id, name: r.name, active: r.active, created_at: r.createdAt });
        return 0;
      }
    }
  } finally {
    await mongo.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`kyc-reviewer: ${err.message}\n`);
    process.exit(1);
  },
);
