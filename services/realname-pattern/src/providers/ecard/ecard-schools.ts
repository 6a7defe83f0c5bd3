/**
 * Which schools have an e-card connector, and how to reach each: a JSON file named by
 * ECARD_SCHOOLS_FILE, keyed by customerCode:
 *
 *   {
 *     "1001": {
 *       "url": "https://ecard.school.example/kyc-connector",
 *       "keyId": "2024-09",
 *       "secret": "<base64 of at least 32 random bytes>",
 *       "passwordScheme": "aes-256-gcm"
 *     }
 *   }
 *
 * A file rather than one JSON env var: the map grows with every school, holds one secret per
 * school, and is mounted from a Kubernetes Secret whose keys can be rotated school by school
 * (keyId names the key in use) without touching the Deployment. `url` must be HTTPS (plain HTTP
 * only to a loopback address, for local stubs). `passwordScheme` is what the school's connector
 * takes: `aes-256-gcm` (the password sealed to the school's key inside TLS; the default) or
 * `plain` (inside TLS only). A bad file stops the service at start-up naming the school and the
 * field, never a secret.
 */
import { readFileSync } from 'node:fs';

export type EcardPasswordScheme = 'plain' | 'aes-256-gcm';

export interface EcardSchool {
  customerCode: string;
  /** The connector's base URL; requests go to `${url}/v1/password-checks`. */
  url: string;
  keyId: string;
  secret: Buffer;
  passwordScheme: EcardPasswordScheme;
}

const SCHEMES: readonly EcardPasswordScheme[] = ['aes-256-gcm', 'plain'];
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The schools of a schools file's text; `source` names the file in errors. */
export function parseEcardSchools(text: string, source: string): Map<string, EcardSchool> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${source}: not valid JSON`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${source}: must be a JSON object keyed by customerCode`);
  const schools = new Map<string, EcardSchool>();
  for (const [customerCode, entry] of Object.entries(raw)) {
    const fail = (field: string, rule: string) => new Error(`${source}: school "${customerCode}": ${field} ${rule}`);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(customerCode)) throw fail('customerCode', 'must be 1-32 letters, digits, _ or -');
    if (typeof entry !== 'object' || entry === null) throw fail('entry', 'must be an object');
    const { url, keyId, secret, passwordScheme = 'aes-256-gcm' } = entry as Record<string, unknown>;
    if (typeof url !== 'string' || !isConnectorUrl(url)) throw fail('url', 'must be an https URL (http only to a loopback address)');
    if (typeof keyId !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(keyId)) throw fail('keyId', 'must be 1-64 printable ASCII characters');
    if (typeof secret !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(secret)) throw fail('secret', 'must be base64');
    const key = Buffer.from(secret, 'base64');
    if (key.length < 32) throw fail('secret', 'must hold at least 32 bytes');
    if (!SCHEMES.includes(passwordScheme as EcardPasswordScheme)) throw fail('passwordScheme', `must be one of ${SCHEMES.join(', ')}`);
    schools.set(customerCode, { customerCode, url: url.replace(/\/+$/, ''), keyId, secret: key, passwordScheme: passwordScheme as EcardPasswordScheme });
  }
  return schools;
}

export function loadEcardSchools(path: string): Map<string, EcardSchool> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`ECARD_SCHOOLS_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseEcardSchools(text, 'ECARD_SCHOOLS_FILE');
}

function isConnectorUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.search || url.hash || url.username || url.password) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
}
