/**
 * Partner callback endpoints as the notifier learns them: PartnerSettingsChanged on
 * kyc.partner.v1, published as the gateway does (secrets sealed with the platform's master key),
 * then waited for until the notifier's partner_endpoints holds that version.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { partner as partnerEvents } from '@kyc/contracts';
import { Platform } from '@kyc/dev-platform';
import { EventBus, TOPICS } from '@kyc/kafka-bus';
import { PiiCipher } from '@kyc/pii-crypto';
import { sleep } from '../bench-kit';

export type CallbackFormat = 'member' | 'webhooks';

export interface EndpointSettings {
  partnerId: string;
  format: CallbackFormat;
  callbackUrl: string;
  version: number;
}

export async function publishPartnerSettings(deps: { bus: EventBus; mongo: MongoClient; platform: Platform; cipher: PiiCipher }, p: EndpointSettings, active = true): Promise<void> {
  p.version += 1;
  await deps.bus.publish(TOPICS.partner, {
    type: 'kyc.partner.v1.PartnerSettingsChanged',
    key: p.partnerId,
    payload: partnerEvents.PartnerSettingsChanged.encode({
      partnerId: p.partnerId,
      active,
      callbackUrl: p.callbackUrl,
      callbackFormat: p.format === 'member' ? partnerEvents.CallbackFormat.CALLBACK_FORMAT_MEMBER_NOTIFY : partnerEvents.CallbackFormat.CALLBACK_FORMAT_STANDARD_WEBHOOKS,
      sealedSecrets: deps.cipher.sealString(
        JSON.stringify({ app_secret: `app-secret-${randomUUID()}`, webhook_secret: `whsec_${Buffer.from(randomUUID()).toString('base64')}` }),
        `partner:${p.partnerId}:callback-secrets`,
      ),
      version: p.version,
    }).finish(),
  });
  const endpoints = deps.mongo.db(deps.platform.dbName('notifier')).collection<{ _id: string; version: number }>('partner_endpoints');
  const until = Date.now() + 30_000;
  while (((await endpoints.findOne({ _id: p.partnerId }))?.version ?? 0) < p.version) {
    if (Date.now() > until) throw new Error(`notifier did not take partner ${p.partnerId}'s settings within 30 s`);
    await sleep(100);
  }
}

/** A loopback URL nothing listens on: connections are refused. */
export async function refusingUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/callbacks`;
}
