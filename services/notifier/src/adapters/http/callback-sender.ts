import { Webhook } from 'standardwebhooks';
import { CallbackSender, OutgoingCallback, SentAnswer } from '../../application/ports';

/** Only the head of an answer is kept (for the verdict and the delivery log's excerpt). */
const MAX_ANSWER_BYTES = 4096;

async function readHead(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ANSWER_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

/**
 * POSTs callbacks with Node's fetch (undici) under one deadline covering connect, headers and the
 * answer's head. Redirects are not followed: a callback goes only where the partner configured it.
 * Standard Webhooks callbacks are signed with the `standardwebhooks` library (webhook-id is the
 * callback's stable id, so partners can dedupe retries).
 */
export class HttpCallbackSender implements CallbackSender {
  constructor(private readonly timeoutMs: number) {}

  async send(c: OutgoingCallback, now: Date): Promise<SentAnswer> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'kyc-notifier/1' };
    if (c.format === 'STANDARD_WEBHOOKS') {
      headers['webhook-id'] = c.callbackId;
      headers['webhook-timestamp'] = String(Math.floor(now.getTime() / 1000));
      if (c.webhookSecret) headers['webhook-signature'] = new Webhook(c.webhookSecret).sign(c.callbackId, now, c.body);
    }
    const signal = AbortSignal.timeout(this.timeoutMs);
    const res = await fetch(c.url, { method: 'POST', headers, body: c.body, redirect: 'manual', signal });
    const body = await readHead(res);
    return { status: res.status, body, retryAfter: res.headers.get('retry-after') };
  }
}
