/**
 * E-card password checks over the platform's e-card connector (v1): one HTTPS endpoint per school,
 * run by the school or its e-card vendor in front of whatever e-card product it has. The school's
 * base URL, key id, key and password scheme come from ECARD_SCHOOLS_FILE (ecard-schools.ts).
 *
 *   POST {school url}/v1/password-checks
 *   Content-Type: application/json; charset=utf-8
 *   X-Kyc-Key-Id:    the school's key id
 *   X-Kyc-Timestamp: Unix time in milliseconds
 *   X-Kyc-Nonce:     32 random hex characters, new for every request
 *   X-Kyc-Signature: hex HMAC-SHA256(key, "POST\n{URL path}\n{timestamp}\n{nonce}\n{hex SHA-256 of the body}")
 *   body: {"customerCode": "1001", "outid": "350002", "name": "三五二", "password": P}
 *     P = {"scheme": "aes-256-gcm", "iv", "value", "tag"} (base64; AES-256-GCM under
 *         HKDF-SHA256(key, no salt, "kyc-ecard-password-v1"), the nonce as additional data)
 *       | {"scheme": "plain", "value": "123456"}     only for schools configured `plain`
 *
 *   200 {"result": R, "reference": "...", "signature": hex HMAC-SHA256(key, "{nonce}\n{R}\n{reference}")}
 *       R = match | wrong-password | no-account | name-mismatch | locked
 *   401 {"error": "unknown-key" | "bad-signature" | "stale-timestamp" | "replayed-nonce"}
 *   400 {"error": "bad-request" | "password-scheme"}
 *   5xx the e-card system could not answer
 *
 * The connector refuses a timestamp more than 5 minutes off its clock and a nonce it has seen in
 * the last 10 minutes. It checks the password as its e-card product does, counts wrong attempts
 * towards its own lock-out, and never logs or stores the password it received. An answer whose
 * signature does not verify is not believed (BAD_ANSWER): a "match" is what lets someone claim
 * an identity.
 *
 * Each school has its own ProviderClient (timeout, breaker): one school's system being down does
 * not fail the others fast. A password check is not idempotent (it moves the lock-out counter):
 * only a refused connection is retried; after a timeout or a 5xx the person tries again.
 * Passwords, names and outids appear in no log and no error.
 */
import { randomBytes } from 'node:crypto';
import { Logger } from '@kyc/core';
import { ProviderAnswer, ProviderClient, ProviderClientSettings } from '@kyc/provider-kit';
import { ECARD_ERROR, ECARD_OUTCOMES, EcardAnswer, EcardOutcome, EcardPasswordCheck, EcardSystem, checkEcardPasswordCheck, schoolNotConnected } from './ecard';
import { PASSWORD_CHECK_PATH, answerSignature, requestSignature, sealPassword, signatureMatches } from './ecard-connector';
import { EcardSchool } from './ecard-schools';

export interface HttpEcardOptions extends ProviderClientSettings {
  schools: Map<string, EcardSchool>;
  logger: Logger;
  /** Every check's outcome (for metrics): match, wrong-password, ..., error, breaker-open; operation is `password-check:<customerCode>`. */
  onResult?(result: string, operation: string): void;
}

interface WireAnswer {
  result?: unknown;
  reference?: unknown;
  signature?: unknown;
  error?: unknown;
}

export class HttpEcard implements EcardSystem {
  private readonly clients = new Map<string, ProviderClient>();

  constructor(private readonly opts: HttpEcardOptions) {
    const { timeoutMs, retries, retryBaseMs, breaker, logger, onResult } = opts;
    for (const code of opts.schools.keys()) {
      this.clients.set(code, new ProviderClient({ timeoutMs, retries, retryBaseMs, breaker, logger, onResult, name: `ecard:${code}`, errors: ECARD_ERROR }));
    }
  }

  async verifyPassword(input: EcardPasswordCheck): Promise<EcardAnswer> {
    checkEcardPasswordCheck(input);
    const school = this.opts.schools.get(input.customerCode);
    const client = this.clients.get(input.customerCode);
    if (!school || !client) throw schoolNotConnected(input.customerCode);
    const url = new URL(`${school.url}${PASSWORD_CHECK_PATH}`);
    let nonce = '';
    return client.call({
      operation: `password-check:${school.customerCode}`,
      idempotent: false,
      request: () => {
        nonce = randomBytes(16).toString('hex');
        const timestamp = String(Date.now());
        const body = JSON.stringify({
          customerCode: school.customerCode,
          outid: input.outid,
          name: input.name.trim(),
          password: school.passwordScheme === 'plain' ? { scheme: 'plain', value: input.password } : sealPassword(school.secret, input.password, nonce),
        });
        return {
          url: url.toString(),
          headers: {
            'content-type': 'application/json; charset=utf-8',
            accept: 'application/json',
            'x-kyc-key-id': school.keyId,
            'x-kyc-timestamp': timestamp,
            'x-kyc-nonce': nonce,
            'x-kyc-signature': requestSignature(school.secret, { path: url.pathname, timestamp, nonce, body }),
          },
          body,
        };
      },
      interpret: (answer) => this.read(client, school, nonce, answer),
      outcome: (answer) => answer.outcome,
    });
  }

  shutdown(): void {
    for (const client of this.clients.values()) client.shutdown();
  }

  private read(client: ProviderClient, school: EcardSchool, nonce: string, answer: ProviderAnswer): EcardAnswer {
    if (answer.status >= 500) throw client.unavailable(`password-check: HTTP ${answer.status}`);
    if (answer.status !== 200) {
      const error = safeJson(answer.text).error;
      throw client.refused(`password-check: HTTP ${answer.status} ${typeof error === 'string' && /^[a-z-]{1,40}$/.test(error) ? error : '-'}`);
    }
    const wire = client.json<WireAnswer>(answer);
    const result = wire?.result;
    const reference = typeof wire?.reference === 'string' ? wire.reference : '';
    if (typeof result !== 'string' || !ECARD_OUTCOMES.includes(result as EcardOutcome)) throw client.badAnswer('password-check: answer has no known result');
    if (!signatureMatches(wire.signature, answerSignature(school.secret, nonce, result, reference))) {
      throw client.badAnswer('password-check: the answer\'s signature does not verify');
    }
    return { outcome: result as EcardOutcome, providerReference: reference };
  }
}

/** An error answer may be anything (a proxy's HTML page). */
function safeJson(text: string): WireAnswer {
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null ? (body as WireAnswer) : {};
  } catch {
    return {};
  }
}
