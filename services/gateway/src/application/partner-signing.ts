import { z } from 'zod';
import { signatureMatches, timestampFresh } from '../domain/request-signing';
import { GATEWAY_ERRORS as E, refused } from './errors';
import { NoncesPort, PartnerView, PartnersPort } from './ports';

const signedFields = z.object({
  app_id: z.string().min(1).max(64),
  nonce_str: z.string().min(8).max(64),
  time_stamp: z.union([z.string(), z.number()]).transform(String),
  sign: z.string().min(1).max(128),
});

/**
 * Seed 000's request signing (app_id, nonce_str, time_stamp, sign over the whole body), shared by
 * every partner-signed endpoint. Checks run in this order so that unsigned traffic cannot burn
 * nonces: fields present, known active partner, fresh timestamp, matching signature (constant
 * time), nonce never seen. Resolves to the partner; refusals are KycErrors with GATEWAY_ERRORS codes.
 */
export async function verifyPartnerSignature(
  ports: { partners: PartnersPort; nonces: NoncesPort },
  body: unknown,
  maxSkewSeconds: number,
  onBadSignature?: (appId: string) => void,
): Promise<PartnerView> {
  const parsed = signedFields.safeParse(body);
  if (!parsed.success) throw refused(E.signatureFieldsMissing, 'signing fields missing', 'invalid_argument');
  const { app_id, nonce_str, time_stamp, sign } = parsed.data;
  const partner = await ports.partners.find(app_id);
  if (!partner || !partner.active) throw refused(E.appIdInvalid, 'unknown or inactive app_id', 'unauthenticated');
  if (!timestampFresh(time_stamp, maxSkewSeconds)) throw refused(E.timestampStale, 'time_stamp outside the allowed skew', 'unauthenticated');
  if (!signatureMatches(partner.secret(), body as Record<string, unknown>, sign)) {
    onBadSignature?.(app_id);
    throw refused(E.signatureMismatch, 'signature does not match', 'unauthenticated');
  }
  if (!(await ports.nonces.claim(app_id, nonce_str, maxSkewSeconds * 2))) throw refused(E.nonceReplayed, 'nonce already used', 'unauthenticated');
  return { appId: partner.appId, name: partner.name, active: partner.active, features: partner.features, callbackUrl: partner.callbackUrl };
}

/** A partner may use a contract only when granted its feature. */
export function requireFeature(partner: PartnerView, feature: string): void {
  if (feature && !partner.features.includes(feature)) {
    throw refused(E.featureNotGranted, `partner lacks feature ${feature}`, 'permission_denied');
  }
}
