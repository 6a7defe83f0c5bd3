import { randomBytes, webcrypto } from 'node:crypto';
import { spiffeId, TlsMaterial } from './tls';

/**
 * A small certificate authority for development and tests (EC P-256, WebCrypto, @peculiar/x509):
 * it issues each platform service a certificate that carries its identity (see tls.ts) and is
 * valid for both server and client use. Production certificates come from the cluster's issuer
 * (cert-manager); nothing here runs in a service. @peculiar/x509 (and the reflect-metadata
 * polyfill it needs) is loaded on first use only.
 */
export interface IssuedCertificate extends TlsMaterial {
  notAfter: Date;
}

export interface CertificateAuthority {
  /** The CA certificate (PEM), to be trusted by every service. */
  ca: Buffer;
  notAfter: Date;
  /** A certificate for `service`, with SANs spiffe://kyc.local/<service>, the service name and `hosts`. */
  issue(service: string, opts?: { hosts?: string[]; validDays?: number }): Promise<IssuedCertificate>;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY_MS = 24 * 3600 * 1000;

async function x509() {
  await import('reflect-metadata');
  const lib = await import('@peculiar/x509');
  lib.cryptoProvider.set(webcrypto as never);
  return lib;
}

const pem = (der: ArrayBuffer, tag: string, lib: Awaited<ReturnType<typeof x509>>) => Buffer.from(lib.PemConverter.encode(der, tag));
const serial = () => `01${randomBytes(15).toString('hex')}`; // positive, 16 bytes
const isIp = (h: string) => /^[\d.]+$/.test(h) || h.includes(':');

export async function createCertificateAuthority(opts: { name?: string; validDays?: number } = {}): Promise<CertificateAuthority> {
  const lib = await x509();
  const notBefore = new Date(Date.now() - 60_000);
  const caNotAfter = new Date(Date.now() + (opts.validDays ?? 365) * DAY_MS);
  const caKeys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const caCert = await lib.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${opts.name ?? 'KYC platform dev CA'}`,
    notBefore,
    notAfter: caNotAfter,
    signingAlgorithm: ALGORITHM,
    keys: caKeys,
    extensions: [
      new lib.BasicConstraintsExtension(true, 0, true),
      new lib.KeyUsagesExtension(lib.KeyUsageFlags.keyCertSign | lib.KeyUsageFlags.cRLSign, true),
      await lib.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const ca = pem(caCert.rawData, 'CERTIFICATE', lib);

  return {
    ca,
    notAfter: caNotAfter,
    async issue(service, { hosts = [], validDays = 90 } = {}) {
      const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
      const notAfter = new Date(Math.min(caNotAfter.getTime(), Date.now() + validDays * DAY_MS));
      const names = [
        { type: 'url' as const, value: spiffeId(service) },
        ...[service, ...hosts].map((h) => ({ type: isIp(h) ? ('ip' as const) : ('dns' as const), value: h })),
      ];
      const cert = await lib.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: `CN=${service}`,
        issuer: caCert.subject,
        notBefore,
        notAfter,
        signingAlgorithm: ALGORITHM,
        publicKey: keys.publicKey,
        signingKey: caKeys.privateKey,
        extensions: [
          new lib.BasicConstraintsExtension(false, undefined, true),
          new lib.KeyUsagesExtension(lib.KeyUsageFlags.digitalSignature, true),
          new lib.ExtendedKeyUsageExtension([lib.ExtendedKeyUsage.serverAuth, lib.ExtendedKeyUsage.clientAuth]),
          new lib.SubjectAlternativeNameExtension(names),
          await lib.AuthorityKeyIdentifierExtension.create(caCert),
          await lib.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      const key = pem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY', lib);
      return { ca, cert: pem(cert.rawData, 'CERTIFICATE', lib), key, notAfter };
    },
  };
}
