/**
 * A seed 000 partner as tests play it: signed calls to the member endpoints, and a real HTTP
 * server standing in for the partner's notify_url. Signatures are computed here, independently of
 * the platform's code, so tests check the documented rule.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { createPartner, PartnerCredentials, Platform, signBody } from '@kyc/dev-platform';

export interface Answer<T = any> {
  status: number;
  body: { code: number; data: T; message: string };
}

/** Registers a partner allowed to verify members (feature member-verify). */
export function memberPartner(platform: Platform, name: string): Promise<PartnerCredentials> {
  return createPartner(platform, name, 'member-verify');
}

/** POSTs a JSON body as-is (already signed or deliberately not). */
export async function postRaw(platform: Platform, path: string, body: Record<string, unknown>): Promise<Answer> {
  const res = await fetch(`${platform.gatewayUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

export interface MemberFields {
  user_id: string;
  tx_seq_no: string;
  notify_url: string;
  member: { id: number | string; name: string; identity_card_number: string; phone?: string };
}

export const submitMember = (platform: Platform, creds: PartnerCredentials, fields: MemberFields) =>
  postRaw(platform, '/api/platform/member/verify', signBody(creds, fields as unknown as Record<string, unknown>));

export const memberStatus = (platform: Platform, creds: PartnerCredentials, fields: Record<string, unknown>) =>
  postRaw(platform, '/api/platform/member/status', signBody(creds, fields));

/** Seed 000 signature of a received notification: HMAC-SHA1 over the sorted non-empty fields but sign. */
export function expectedSign(secret: string, fields: Record<string, unknown>): string {
  const text = Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== '' && fields[k] !== undefined && fields[k] !== null)
    .sort()
    .map((k) => `${k}=${String(fields[k])}`)
    .join('&');
  return createHmac('sha1', secret).update(text, 'utf8').digest('hex');
}

export interface ReceivedNotification {
  at: number;
  body: Record<string, unknown>;
}

/**
 * The partner's notify_url: records every POST and answers with the next scripted answer (the
 * last one repeats), e.g. a failure first and `{"code":"0000"}` after.
 */
export async function startNotifyReceiver(answers: { status: number; body: unknown }[] = [{ status: 200, body: { code: '0000' } }]) {
  const received: ReceivedNotification[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        body = { unparsable: Buffer.concat(chunks).toString('utf8') };
      }
      const answer = answers[Math.min(received.length, answers.length - 1)];
      received.push({ at: Date.now(), body });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/kyc/notify`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
