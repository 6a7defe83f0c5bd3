#!/usr/bin/env node
/**
 * Signs example requests for the demo partner that `npm start` registers, so that the printed
 * examples work as often as they are run (each run gets a fresh nonce and timestamp):
 *
 *   node demo-sign.js <demo-partner.json> member '<json body>'   -> signed JSON (seed 000)
 *   node demo-sign.js <demo-partner.json> kycloud '<bizContent>' -> signed form body (seed 004, RSA2)
 *
 * A demo client, not part of the platform: partners sign with their own code.
 */
import { createSign } from 'node:crypto';
import fs from 'node:fs';
import { PartnerCredentials, signBody } from './partner-client';

export interface DemoPartnerFile extends PartnerCredentials {
  /** PEM of the RSA private key whose public key is registered for the company (seed 004). */
  company_private_key: string;
}

/** China time as seed 004 writes it: "yyyy-MM-dd HH:mm:ss" (UTC+8, no daylight saving). */
export function chinaTimestamp(at = Date.now()): string {
  return new Date(at + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
}

/** Seed 004's public parameters, signed by the Alipay open-platform rule (RSA2 = SHA256withRSA). */
export function signKycloudForm(companyId: string, privateKeyPem: string, bizContent: string, at = Date.now()): URLSearchParams {
  const params: Record<string, string> = { companyId, charset: 'utf-8', signType: 'RSA2', bizContent, timestamp: chinaTimestamp(at) };
  const toSign = Object.keys(params)
    .filter((k) => params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  const sign = createSign('RSA-SHA256').update(toSign, 'utf8').sign(privateKeyPem, 'base64');
  return new URLSearchParams({ ...params, sign });
}

function main(): void {
  const [file, dialect, body] = process.argv.slice(2);
  if (!file || !dialect || body === undefined) {
    throw new Error("usage: demo-sign <demo-partner.json> member|kycloud '<json>'");
  }
  const partner = JSON.parse(fs.readFileSync(file, 'utf8')) as DemoPartnerFile;
  if (dialect === 'member') {
    process.stdout.write(JSON.stringify(signBody(partner, JSON.parse(body) as Record<string, unknown>)));
  } else if (dialect === 'kycloud') {
    JSON.parse(body); // fail here, not at the gateway, on a typo
    process.stdout.write(signKycloudForm(partner.app_id, partner.company_private_key, body).toString());
  } else {
    throw new Error(`unknown dialect ${dialect}: member or kycloud`);
  }
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`demo-sign: ${(err as Error).message}\n`);
    process.exit(2);
  }
}
