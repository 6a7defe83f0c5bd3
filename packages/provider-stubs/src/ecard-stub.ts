/**
 * Local school e-card connectors speaking the platform's e-card connector wire format (v1) that
 * realname-pattern's e-card adapter implements (its http-ecard.ts documents it). One server
 * serves several schools at {url}/schools/{customerCode}, each with its own key, key id and
 * password scheme. The front door checks what a connector must: the key id, the HMAC-SHA256
 * signature, a timestamp within 5 minutes, a nonce not seen before, the school's password scheme;
 * then the password is unsealed and checked against the accounts a test set, with the lock-out a
 * real e-card system has (ECARD_STUB_LOCK_AFTER wrong passwords in a row lock the card). Answers
 * are signed with the school's key. Written from the format, not from the adapter's code, so the
 * two check each other.
 */
import { createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';
import { HANG, Plans, StubReply, startStubServer } from './stub-server';

export type EcardStubPasswordScheme = 'plain' | 'aes-256-gcm';

/** One school's entry as the adapter's schools file holds it. */
export interface EcardStubSchool {
  url: string;
  keyId: string;
  /** base64 */
  secret: string;
  passwordScheme: EcardStubPasswordScheme;
}

export interface EcardStubAccount {
  name: string;
  password: string;
  locked?: boolean;
}

/** Answer from the accounts, hang, answer an HTTP status, or answer `match` signed with another key. */
export type EcardBehaviour = 'accounts' | typeof HANG | { status: number } | 'forged';

/** A request that passed the front door, its password unsealed. */
export interface EcardStubCall {
  customerCode: string;
  outid: string;
  name: string;
  passwordScheme: string;
  password: string;
}

export interface EcardStub {
  url: string;
  /** The entry for the adapter's schools map (url, keyId, secret, passwordScheme). */
  school(customerCode: string): EcardStubSchool;
  setAccount(customerCode: string, outid: string, account: EcardStubAccount): void;
  /** Behaviours for one outid, used in turn; the last one repeats (default: answer from the accounts). */
  set(outid: string, ...behaviours: EcardBehaviour[]): void;
  calls(outid?: string): EcardStubCall[];
  /** Requests refused at the front door, by error code (bad-signature, replayed-nonce, ...). */
  refusals(): string[];
  close(): Promise<void>;
}

export const ECARD_STUB_LOCK_AFTER = 3;
const MAX_SKEW_MS = 5 * 60_000;

interface SchoolKey {
  keyId: string;
  secret: Buffer;
  passwordScheme: EcardStubPasswordScheme;
}

interface AccountState extends EcardStubAccount {
  failures: number;
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (secret: Buffer, text: string) => createHmac('sha256', secret).update(text, 'utf8').digest();
const header = (headers: IncomingHttpHeaders, name: string) => String(headers[name] ?? '');

/** Starts connectors for the given schools (customerCode → password scheme). */
export async function startEcardStub(schools: Record<string, EcardStubPasswordScheme> = { '1001': 'aes-256-gcm' }): Promise<EcardStub> {
  const keys = new Map<string, SchoolKey>(
    Object.entries(schools).map(([code, passwordScheme]) => [code, { keyId: `key-${code}`, secret: randomBytes(32), passwordScheme }]),
  );
  const accounts = new Map<string, AccountState>();
  const plans = new Plans<EcardBehaviour>('accounts');
  const seen: EcardStubCall[] = [];
  const refused: string[] = [];
  const nonces = new Set<string>();
  let answered = 0;
  const refuse = (status: number, error: string): StubReply => {
    refused.push(error);
    return { status, body: { error } };
  };
  const signed = (secret: Buffer, nonce: string, result: string): StubReply => {
    const reference = `ecard-stub-${++answered}`;
    return { status: 200, body: { result, reference, signature: hmac(secret, `${nonce}\n${result}\n${reference}`).toString('hex') } };
  };

  const server = await startStubServer((req) => {
    const route = /^\/schools\/([A-Za-z0-9_-]+)\/v1\/password-checks$/.exec(req.path);
    const key = route ? keys.get(route[1]) : undefined;
    if (!route || !key || req.method !== 'POST') return refuse(404, 'not-found');
    if (header(req.headers, 'x-kyc-key-id') !== key.keyId) return refuse(401, 'unknown-key');
    const timestamp = header(req.headers, 'x-kyc-timestamp');
    const nonce = header(req.headers, 'x-kyc-nonce');
    const signature = header(req.headers, 'x-kyc-signature');
    const expected = hmac(key.secret, ['POST', req.path, timestamp, nonce, sha256Hex(req.body)].join('\n'));
    if (!/^[0-9a-f]{64}$/.test(signature) || !timingSafeEqual(Buffer.from(signature, 'hex'), expected)) return refuse(401, 'bad-signature');
    if (!/^\d{13}$/.test(timestamp) || Math.abs(Date.now() - Number(timestamp)) > MAX_SKEW_MS) return refuse(401, 'stale-timestamp');
    if (!/^[0-9a-f]{32}$/.test(nonce) || nonces.has(nonce)) return refuse(401, 'replayed-nonce');
    nonces.add(nonce);

    let body: { customerCode?: unknown; outid?: unknown; name?: unknown; password?: Record<string, unknown> };
    try {
      body = JSON.parse(req.body) as typeof body;
    } catch {
      return refuse(400, 'bad-request');
    }
    const { customerCode, outid, name, password } = body;
    if (customerCode !== route[1] || typeof outid !== 'string' || typeof name !== 'string' || typeof password !== 'object' || password === null) {
      return refuse(400, 'bad-request');
    }
    if (password.scheme !== key.passwordScheme) return refuse(400, 'password-scheme');
    const clear = key.passwordScheme === 'plain' ? String(password.value ?? '') : unseal(key.secret, password, nonce);
    if (clear === undefined) return refuse(400, 'bad-request');
    seen.push({ customerCode, outid, name, passwordScheme: key.passwordScheme, password: clear });

    const behaviour = plans.next(outid);
    if (behaviour === HANG) return HANG;
    if (behaviour === 'forged') return signed(randomBytes(32), nonce, 'match');
    if (typeof behaviour === 'object') return { status: behaviour.status, body: { error: 'stub failure' } };
    return signed(key.secret, nonce, check(accounts.get(`${customerCode}|${outid}`), name, clear));
  });

  return {
    url: server.url,
    school: (code) => {
      const key = keys.get(code);
      if (!key) throw new Error(`the stub serves no school ${code}`);
      return { url: `${server.url}/schools/${code}`, keyId: key.keyId, secret: key.secret.toString('base64'), passwordScheme: key.passwordScheme };
    },
    setAccount: (code, outid, account) => void accounts.set(`${code}|${outid}`, { ...account, failures: 0 }),
    set: (outid, ...behaviours) => plans.set(outid, ...behaviours),
    calls: (outid) => (outid === undefined ? [...seen] : seen.filter((c) => c.outid === outid)),
    refusals: () => [...refused],
    close: server.close,
  };
}

/** What an e-card system answers for an account, counting wrong passwords towards the lock. */
function check(account: AccountState | undefined, name: string, password: string): string {
  if (!account) return 'no-account';
  if (account.locked) return 'locked';
  if (account.name !== name) return 'name-mismatch';
  if (account.password !== password) {
    account.failures += 1;
    if (account.failures >= ECARD_STUB_LOCK_AFTER) account.locked = true;
    return 'wrong-password';
  }
  account.failures = 0;
  return 'match';
}

function unseal(secret: Buffer, sealed: Record<string, unknown>, nonce: string): string | undefined {
  try {
    const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'kyc-ecard-password-v1', 32));
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(String(sealed.iv), 'base64'));
    decipher.setAAD(Buffer.from(nonce, 'utf8'));
    decipher.setAuthTag(Buffer.from(String(sealed.tag), 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(String(sealed.value), 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
