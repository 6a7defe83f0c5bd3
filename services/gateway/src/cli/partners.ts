import { invalidArgument, notFound } from '@kyc/core';
import { ensureIndexes } from '@kyc/mongo-kit';
import { DEFAULT_PARTNER_FEATURES, PARTNER_FEATURES, PartnerRepository } from '../adapters/mongo/partner-repository';
import { GatewayDb, withGatewayDb } from './database';

/**
 * Operator commands for the partner registry. Credentials (app secret, webhook secret) are
 * returned once, here; only sealed copies are stored. Every change is announced to the notifier
 * (PartnerSettingsChanged) through the partner's outbox.
 */
export interface CreatedPartner {
  app_id: string;
  app_secret: string;
  webhook_secret: string;
  callback_url: string;
  features: string[];
}

export interface PartnerListing {
  app_id: string;
  name: string;
  features: string[];
  callback_url: string;
  active: boolean;
  created_at?: Date;
}

/** A callback endpoint must be an absolute http(s) URL. */
function callbackUrlOf(value: string): string {
  if (!URL.canParse(value) || !['http:', 'https:'].includes(new URL(value).protocol)) {
    throw invalidArgument('KYC.OPERATOR.CALLBACK_URL_INVALID', `not an http(s) URL: ${value}`);
  }
  return value;
}

function featuresOf(features: readonly string[] | undefined): string[] {
  if (features === undefined) return [...DEFAULT_PARTNER_FEATURES];
  const unknown = features.filter((f) => !(PARTNER_FEATURES as readonly string[]).includes(f));
  if (unknown.length) {
    throw invalidArgument('KYC.OPERATOR.FEATURE_UNKNOWN', `unknown feature(s): ${unknown.join(', ')}; known: ${PARTNER_FEATURES.join(', ')}`);
  }
  return [...features];
}

const noPartner = (appId: string) => notFound('KYC.OPERATOR.PARTNER_NOT_FOUND', `no partner with app_id ${appId}`);

async function partnersIn(db: GatewayDb): Promise<PartnerRepository> {
  const partners = new PartnerRepository(db.mongo, db.cipher);
  await ensureIndexes([partners.model]);
  return partners;
}

/**
 * Registers a partner. Without features it gets every one but the opt-out no-campus-merge
 * (which turns seed 003 user merging off).
 */
export async function createPartner(input: { name: string; callbackUrl?: string; features?: readonly string[] }): Promise<CreatedPartner> {
  const name = input.name.trim();
  if (!name) throw invalidArgument('KYC.OPERATOR.NAME_REQUIRED', 'a partner needs a name');
  const features = featuresOf(input.features);
  const callbackUrl = input.callbackUrl ? callbackUrlOf(input.callbackUrl) : '';
  return withGatewayDb(async (db) => {
    const creds = await (await partnersIn(db)).create({ name, callbackUrl, features });
    return { app_id: creds.appId, app_secret: creds.secret, webhook_secret: creds.webhookSecret, callback_url: callbackUrl, features };
  });
}

/** Replaces the partner's app secret; the old one stops working at once. */
export async function rotatePartnerSecret(appId: string): Promise<{ app_id: string; app_secret: string }> {
  return withGatewayDb(async (db) => {
    const secret = await (await partnersIn(db)).rotateSecret(appId);
    if (!secret) throw noPartner(appId);
    return { app_id: appId, app_secret: secret };
  });
}

/** Sets the partner's default callback URL; '' leaves only per-request URLs. */
export async function setPartnerCallback(appId: string, url: string): Promise<{ app_id: string; callback_url: string }> {
  const callbackUrl = url === '' ? '' : callbackUrlOf(url);
  return withGatewayDb(async (db) => {
    if (!(await (await partnersIn(db)).setCallback(appId, callbackUrl))) throw noPartner(appId);
    return { app_id: appId, callback_url: callbackUrl };
  });
}

/** Every partner, oldest first, without secrets. */
export async function listPartners(): Promise<PartnerListing[]> {
  return withGatewayDb(async (db) => {
    const partners = new PartnerRepository(db.mongo, db.cipher);
    const docs = await partners.model
      .find({}, { name: 1, features: 1, callbackUrl: 1, active: 1, createdAt: 1 })
      .sort({ createdAt: 1, _id: 1 })
      .lean();
    return docs.map((d) => ({
      app_id: d._id,
      name: d.name,
      features: d.features ?? [],
      callback_url: d.callbackUrl ?? '',
      active: d.active ?? true,
      created_at: d.createdAt,
    }));
  });
}
