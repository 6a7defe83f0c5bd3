import fs from 'node:fs';
import { invalidArgument, notFound } from '@kyc/core';
import { ensureIndexes } from '@kyc/mongo-kit';
import { CompanyKeyRepository, isCompanyId } from '../adapters/mongo/company-key-repository';
import { PartnerRepository } from '../adapters/mongo/partner-repository';
import { InvalidPublicKeyError } from '../domain/alipay-signature';
import { withGatewayDb } from './database';

/**
 * Operator commands for seed 004 companies. A company is a partner (companyId = its app_id)
 * granted the idcard-check feature; it signs with an RSA key whose public half is registered here.
 */
export interface RegisteredCompanyKey {
  company_id: string;
  /** For the operator to confirm with the company. */
  fingerprint: string;
  /** False when the partner lacks idcard-check: the key is kept, but seed 004 stays closed to it. */
  idcard_check: boolean;
}

export interface CompanyKeyListing {
  company_id: string;
  fingerprint: string;
  registered_at: Date;
}

/**
 * Registers (or replaces) a company's public key, read from a file holding PEM or the bare base64
 * Alipay's console shows. Keys may come before the feature, so a partner without it is accepted.
 */
export async function registerCompanyKey(companyId: string, publicKeyFile: string): Promise<RegisteredCompanyKey> {
  if (!isCompanyId(companyId)) throw invalidArgument('KYC.OPERATOR.COMPANY_ID_INVALID', `company id must be the partner's app_id (digits): ${companyId}`);
  let keyText: string;
  try {
    keyText = fs.readFileSync(publicKeyFile, 'utf8');
  } catch (err) {
    throw invalidArgument('KYC.OPERATOR.FILE_UNREADABLE', `cannot read ${publicKeyFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return withGatewayDb(async (db) => {
    const partner = await new PartnerRepository(db.mongo, db.cipher).find(companyId);
    if (!partner) throw notFound('KYC.OPERATOR.PARTNER_NOT_FOUND', `no partner with app_id ${companyId}; create it with kyc partner create first`);
    const keys = new CompanyKeyRepository(db.mongo);
    await ensureIndexes([keys.model]);
    try {
      const registered = await keys.register(companyId, keyText);
      return { company_id: registered.companyId, fingerprint: registered.fingerprint, idcard_check: partner.features.includes('idcard-check') };
    } catch (err) {
      if (err instanceof InvalidPublicKeyError) throw invalidArgument('KYC.OPERATOR.PUBLIC_KEY_INVALID', `invalid public key: ${err.message}`);
      throw err;
    }
  });
}

/** Companies with a registered key, by company id. */
export async function listCompanyKeys(): Promise<CompanyKeyListing[]> {
  return withGatewayDb(async (db) => {
    const docs = await new CompanyKeyRepository(db.mongo).model.find({}, { fingerprint: 1, registeredAt: 1 }).sort({ _id: 1 }).lean();
    return docs.map((d) => ({ company_id: d._id, fingerprint: d.fingerprint, registered_at: d.registeredAt }));
  });
}
