import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import { PeerCertificate } from 'node:tls';
import { ChannelCredentials, experimental, ServerCredentials } from '@grpc/grpc-js';
import { ConfigError, Logger } from '@kyc/core';

/**
 * Service identities. Every platform service holds one certificate, signed by the platform's CA,
 * that names it with exactly one URI SAN `spiffe://kyc.local/<service>` (a SPIFFE X.509-SVID
 * shape): servers learn who calls from the client certificate, clients check that the server is
 * the service they meant to reach. DNS names in the certificate are not relied upon.
 */
export const TRUST_DOMAIN = 'kyc.local';
const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;

export const spiffeId = (service: string) => `spiffe://${TRUST_DOMAIN}/${service}`;

/** URI SANs from Node's `subjectaltname` text ("DNS:a, URI:spiffe://…"; odd values come JSON-quoted). */
function uriSans(subjectAltName: string | undefined): string[] {
  const out: string[] = [];
  for (const m of (subjectAltName ?? '').matchAll(/(?:^|, )URI:("(?:[^"\\]|\\.)*"|[^,]*)/g)) {
    out.push(m[1].startsWith('"') ? (JSON.parse(m[1]) as string) : m[1]);
  }
  return out;
}

/** The platform service a certificate names, or undefined when it names none (or several). */
export function identityOf(cert: { subjectaltname?: string; subjectAltName?: string } | undefined): string | undefined {
  const prefix = `spiffe://${TRUST_DOMAIN}/`;
  const ids = uriSans(cert?.subjectaltname ?? cert?.subjectAltName).filter((u) => u.startsWith('spiffe://'));
  if (ids.length !== 1 || !ids[0].startsWith(prefix)) return undefined;
  const service = ids[0].slice(prefix.length);
  return SERVICE_NAME.test(service) ? service : undefined;
}

/** PEM material of one service: the CA bundle it trusts, its certificate chain and key. */
export interface TlsMaterial {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** Paths of that material, as configured (GRPC_TLS_CA_FILE, GRPC_TLS_CERT_FILE, GRPC_TLS_KEY_FILE). */
export interface TlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export type TlsSource = TlsMaterial | TlsFiles;

const ENV_OF: Record<keyof TlsFiles, string> = { caFile: 'GRPC_TLS_CA_FILE', certFile: 'GRPC_TLS_CERT_FILE', keyFile: 'GRPC_TLS_KEY_FILE' };

/**
 * Reads the TLS material; refuses (a ConfigError naming the variables) when a file is not given
 * or cannot be read, or when the certificate names no service: there is no insecure fallback.
 */
export function loadTlsMaterial(source: TlsSource): TlsMaterial {
  if ('ca' in source) return source;
  const read = (key: keyof TlsFiles) => {
    const file = source[key];
    if (!file) throw new ConfigError(`gRPC needs TLS material: ${ENV_OF[key]} is not set (set GRPC_TLS_CA_FILE, GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE)`);
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new ConfigError(`gRPC TLS material: ${ENV_OF[key]}=${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  };
  const material = { ca: read('caFile'), cert: read('certFile'), key: read('keyFile') };
  if (!ownIdentity(material)) {
    throw new ConfigError(`gRPC TLS material: the certificate in ${source.certFile} (GRPC_TLS_CERT_FILE) has no URI SAN ${spiffeId('<service>')}`);
  }
  return material;
}

/** The identity this material's own certificate carries. */
export function ownIdentity(material: TlsMaterial): string | undefined {
  try {
    return identityOf(new X509Certificate(material.cert));
  } catch {
    return undefined;
  }
}

/**
 * Hands a service's TLS material to grpc-js and keeps it current: material from files is read
 * again every `refreshMs`, and a changed, consistent set (cert-manager renewing the mounted
 * Secret) is used for new connections without a restart. A set that fails to load is logged by
 * the caller (onError) and the previous one stays in use.
 */
export class TlsMaterialProvider implements experimental.CertificateProvider {
  private material: TlsMaterial;
  private readonly caListeners = new Set<experimental.CaCertificateUpdateListener>();
  private readonly identityListeners = new Set<experimental.IdentityCertificateUpdateListener>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly source: TlsSource,
    private readonly opts: { refreshMs?: number; onReload?: (identity: string | undefined) => void; onError?: (err: Error) => void } = {},
  ) {
    this.material = loadTlsMaterial(source);
  }

  get current(): TlsMaterial {
    return this.material;
  }

  /** Reads the files again; true when the material changed. */
  reload(): boolean {
    let next: TlsMaterial;
    try {
      next = loadTlsMaterial(this.source);
      if (!new X509Certificate(next.cert).checkPrivateKey(createPrivateKey(next.key))) throw new Error('the key does not match the certificate');
    } catch (err) {
      this.opts.onError?.(err as Error);
      return false;
    }
    const m = this.material;
    if (next.ca.equals(m.ca) && next.cert.equals(m.cert) && next.key.equals(m.key)) return false;
    this.material = next;
    this.opts.onReload?.(ownIdentity(next));
    for (const l of this.caListeners) l({ caCertificate: next.ca });
    for (const l of this.identityListeners) l({ certificate: next.cert, privateKey: next.key });
    return true;
  }

  addCaCertificateListener(listener: experimental.CaCertificateUpdateListener): void {
    this.caListeners.add(listener);
    // Asynchronously, as grpc-js expects: it registers its own watcher after adding the listener.
    queueMicrotask(() => this.caListeners.has(listener) && listener({ caCertificate: this.material.ca }));
    this.watch();
  }

  removeCaCertificateListener(listener: experimental.CaCertificateUpdateListener): void {
    this.caListeners.delete(listener);
    this.watch();
  }

  addIdentityCertificateListener(listener: experimental.IdentityCertificateUpdateListener): void {
    this.identityListeners.add(listener);
    queueMicrotask(() => this.identityListeners.has(listener) && listener({ certificate: this.material.cert, privateKey: this.material.key }));
    this.watch();
  }

  removeIdentityCertificateListener(listener: experimental.IdentityCertificateUpdateListener): void {
    this.identityListeners.delete(listener);
    this.watch();
  }

  /** Polls the files while anyone listens (never for in-memory material). */
  private watch(): void {
    const wanted = !('ca' in this.source) && this.caListeners.size + this.identityListeners.size > 0;
    if (wanted && !this.timer) {
      this.timer = setInterval(() => this.reload(), this.opts.refreshMs ?? 60_000);
      this.timer.unref();
    } else if (!wanted && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

/** A provider that logs what it does: the material in use after a renewal, or why a renewal was not taken. */
export function watchedTlsMaterial(source: TlsSource | TlsMaterialProvider, logger?: Logger): TlsMaterialProvider {
  if (source instanceof TlsMaterialProvider) return source;
  return new TlsMaterialProvider(source, {
    onReload: (identity) => logger?.info({ identity }, 'grpc TLS material reloaded'),
    onError: (err) => logger?.warn({ err: err.message }, 'grpc TLS material not reloaded; the previous material stays in use'),
  });
}

/** Server side: TLS that requires a client certificate signed by the CA (no certificate: no handshake). */
export function serverCredentials(source: TlsSource | TlsMaterialProvider): ServerCredentials {
  const provider = watchedTlsMaterial(source);
  return experimental.createCertificateProviderServerCredentials(provider, provider, true);
}

/**
 * Client side: presents this service's certificate and accepts only a server whose certificate,
 * signed by the CA, names `server` (any platform service when omitted).
 */
export function clientCredentials(source: TlsSource | TlsMaterialProvider, server?: string): ChannelCredentials {
  const provider = watchedTlsMaterial(source);
  return experimental.createCertificateProviderChannelCredentials(provider, provider, {
    checkServerIdentity: (_host: string, cert: PeerCertificate) => {
      const got = identityOf(cert);
      if (got && (server === undefined || got === server)) return undefined;
      return Object.assign(new Error(`server certificate names ${got ? spiffeId(got) : 'no platform service'}, expected ${spiffeId(server ?? '<service>')}`), {
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      });
    },
  });
}

/**
 * Channel options to go with clientCredentials: the TLS server name is the expected identity
 * (targets are often IP addresses, which SNI does not take; the identity check ignores it).
 */
export const tlsChannelOptions = (server: string) => ({ 'grpc.ssl_target_name_override': server });
