import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { CallbackVerificationError, verifyMemberNotification, verifyVerificationWebhook } from './callbacks';
import { webhookDescription, workedExample } from './test-support/description';

/** The body with the byte at `index` changed (to another printable ASCII character). */
const flipByte = (body: string, index: number) => {
  const bytes = Buffer.from(body, 'utf8');
  bytes[index] = bytes[index] === 0x31 ? 0x32 : 0x31;
  return bytes;
};

describe('seed 000 notifications', () => {
  const example = workedExample(webhookDescription('memberVerificationResult'));
  const body = JSON.stringify({ ...JSON.parse(example.parameters), sign: example.sign });

  it('when the documented notification arrives, then it verifies with the app_secret and its fields are returned', () => {
    expect(verifyMemberNotification(Buffer.from(body), example.key)).toMatchObject({ status: 'SUCCESS', tx_seq_no: '211403198307188238', sign: example.sign });
  });

  it('when any single byte of a value is changed, then it does not verify', () => {
    const at = body.indexOf('211403198307188238');
    expect(() => verifyMemberNotification(flipByte(body, at + 5), example.key)).toThrow(CallbackVerificationError);
    expect(() => verifyMemberNotification(flipByte(body, body.indexOf(example.sign) + 3), example.key)).toThrow(CallbackVerificationError);
  });

  it('when the secret is another partner\'s, the sign is missing or the body is not JSON, then it does not verify', () => {
    expect(() => verifyMemberNotification(body, 'another-secret')).toThrow(/does not match/);
    expect(() => verifyMemberNotification(JSON.stringify({ ...JSON.parse(example.parameters) }), example.key)).toThrow(CallbackVerificationError);
    expect(() => verifyMemberNotification('not json', example.key)).toThrow(/not JSON/);
    expect(() => verifyMemberNotification('[1]', example.key)).toThrow(/not a JSON object/);
  });
});

describe('Standard Webhooks callbacks', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const payload = JSON.stringify({
    type: 'verification.completed',
    timestamp: '2026-12-07T12:00:00.000Z',
    data: { verification_id: 'v-1', subject_id: 's-1', method: 'liveness', status: 'succeeded', result_code: 'OK', partner_reference: '' },
  });
  /** Headers as the notifier sends them (standardwebhooks' own signer). */
  const headersFor = (body: string, at = new Date()) => ({
    'webhook-id': 'cb-1',
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign('cb-1', at, body),
  });

  it('when a signed webhook arrives, then it verifies, with headers as a plain object or as Headers', () => {
    const headers = headersFor(payload);
    expect(verifyVerificationWebhook(payload, headers, secret).data).toMatchObject({ verification_id: 'v-1', status: 'succeeded' });
    expect(verifyVerificationWebhook(Buffer.from(payload), new Headers(headers), secret).type).toBe('verification.completed');
  });

  it('when one byte of the body is changed, or the secret, id or age is wrong, then it does not verify', () => {
    const headers = headersFor(payload);
    expect(() => verifyVerificationWebhook(flipByte(payload, payload.indexOf('v-1') + 2), headers, secret)).toThrow(CallbackVerificationError);
    expect(() => verifyVerificationWebhook(payload, headers, `whsec_${randomBytes(32).toString('base64')}`)).toThrow(CallbackVerificationError);
    expect(() => verifyVerificationWebhook(payload, { ...headers, 'webhook-id': 'cb-2' }, secret)).toThrow(CallbackVerificationError);
    const old = headersFor(payload, new Date(Date.now() - 10 * 60_000));
    expect(() => verifyVerificationWebhook(payload, old, secret)).toThrow(/timestamp/i);
  });
});
