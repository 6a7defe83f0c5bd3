import { randomBytes, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChannelCredentials, ChannelOptions } from '@grpc/grpc-js';
import { clientCredentials, createCertificateAuthority, TlsFiles, tlsChannelOptions, TlsMaterial } from '@kyc/grpc-kit';

/**
 * The development PKI: one CA and one certificate per service (server and client use; SANs
 * spiffe://kyc.local/<service>, the service name, localhost, 127.0.0.1), laid out as a
 * cert-manager Secret would be mounted (<service>/ca.crt, tls.crt, tls.key). Generated on first
 * use and cached per user in $KYC_DEV_PKI_DIR, else $XDG_CACHE_HOME/kyc-platform/dev-pki, else
 * ~/.cache/kyc-platform/dev-pki; generated anew when a certificate is missing or within
 * RENEW_BEFORE_DAYS of expiry. Each generation is a folder of its own, never changed once
 * complete, named by the `current` file: a running platform keeps the files it was given.
 */
export interface DevPki {
  /** The folder of the generation in use. */
  dir: string;
  /** Paths of a service's material. */
  files(service: string): TlsFiles;
  /** The environment that hands a service its material (GRPC_TLS_*_FILE). */
  env(service: string): Record<string, string>;
  material(service: string): TlsMaterial;
  /**
   * Credentials to call a platform service as `caller` (its certificate), accepting only a server
   * that is `server` (any platform service when omitted); pass `channelOptions(server)` with them.
   */
  credentialsFor(caller: string, server?: string): ChannelCredentials;
  channelOptions(server: string): ChannelOptions;
}

const VALID_DAYS = 90;
const RENEW_BEFORE_DAYS = 7;
const DAY_MS = 24 * 3600 * 1000;
const HOSTS = ['localhost', '127.0.0.1'];

export function devPkiRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KYC_DEV_PKI_DIR) return env.KYC_DEV_PKI_DIR;
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'kyc-platform', 'dev-pki');
}

const filesIn = (dir: string, service: string): TlsFiles => ({
  caFile: path.join(dir, service, 'ca.crt'),
  certFile: path.join(dir, service, 'tls.crt'),
  keyFile: path.join(dir, service, 'tls.key'),
});

/** Expiry of a PEM certificate file; 0 when it is missing or unreadable. */
function expiryOf(file: string): number {
  try {
    return new Date(new X509Certificate(fs.readFileSync(file)).validTo).getTime();
  } catch {
    return 0;
  }
}

/** True when the generation holds every service's material, valid for a while yet. */
function usable(dir: string, services: readonly string[]): boolean {
  const renewAfter = Date.now() + RENEW_BEFORE_DAYS * DAY_MS;
  return services.every((s) => {
    const f = filesIn(dir, s);
    return fs.existsSync(f.caFile) && fs.existsSync(f.keyFile) && expiryOf(f.certFile) > renewAfter;
  });
}

async function generate(root: string, services: readonly string[]): Promise<string> {
  const generation = `${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  const dir = path.join(root, generation);
  const ca = await createCertificateAuthority({ name: 'KYC platform dev CA', validDays: VALID_DAYS });
  for (const service of services) {
    const issued = await ca.issue(service, { hosts: HOSTS, validDays: VALID_DAYS });
    const f = filesIn(dir, service);
    fs.mkdirSync(path.dirname(f.certFile), { recursive: true, mode: 0o700 });
    fs.writeFileSync(f.caFile, issued.ca);
    fs.writeFileSync(f.certFile, issued.cert);
    fs.writeFileSync(f.keyFile, issued.key, { mode: 0o600 });
  }
  fs.writeFileSync(path.join(dir, 'ca.crt'), ca.ca);
  // Publish atomically: readers see the old generation or the complete new one.
  const pointer = path.join(root, `current.${generation}.tmp`);
  fs.writeFileSync(pointer, generation);
  fs.renameSync(pointer, path.join(root, 'current'));
  return dir;
}

/**
 * Removes generations whose CA has expired, or that never completed, once they are an hour old
 * (a running platform cannot be using those; one being written right now is left alone).
 */
function prune(root: string, keep: string): void {
  for (const name of fs.readdirSync(root)) {
    const dir = path.join(root, name);
    try {
      const stat = fs.statSync(dir);
      if (dir === keep || !stat.isDirectory() || stat.mtimeMs > Date.now() - 3600_000) continue;
      if (expiryOf(path.join(dir, 'ca.crt')) < Date.now()) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another process pruned it first.
    }
  }
}

/** The dev PKI for `services`, from the cache or generated now (a few milliseconds). */
export async function ensureDevPki(services: readonly string[], root = devPkiRoot()): Promise<DevPki> {
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  const currentFile = path.join(root, 'current');
  const current = fs.existsSync(currentFile) ? path.join(root, fs.readFileSync(currentFile, 'utf8').trim()) : '';
  const dir = current && usable(current, services) ? current : await generate(root, services);
  prune(root, dir);
  const material = (service: string): TlsMaterial => {
    const f = filesIn(dir, service);
    return { ca: fs.readFileSync(f.caFile), cert: fs.readFileSync(f.certFile), key: fs.readFileSync(f.keyFile) };
  };
  return {
    dir,
    files: (service) => filesIn(dir, service),
    env: (service) => {
      const f = filesIn(dir, service);
      return { GRPC_TLS_CA_FILE: f.caFile, GRPC_TLS_CERT_FILE: f.certFile, GRPC_TLS_KEY_FILE: f.keyFile };
    },
    material,
    credentialsFor: (caller, server) => clientCredentials(material(caller), server),
    channelOptions: (server) => tlsChannelOptions(server),
  };
}
