/**
 * A seed 000 partner as tests play it: calls to the member endpoints signed with the partner SDK,
 * as a partner signs them, and a real HTTP server standing in for the partner's notify_url. The
 * SDK shares no code with the platform, so tests check the documented rule.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { createPartner, PartnerCredentials, Platform } from '@kyc/dev-platform';
import { memberSign, signMemberRequest } from '@kyc/partner-sdk';

export interface Answer<T = any> {
  status: number;
  body: { code: number; data: T; message: string };
}

/** Registers a partner allowed to verify members (feature member-verify). */
export function memberPartner(platform: Platform, name: string): Promise<PartnerCredentials> {
  return createPartner(platform, name, 'member-verify');
}

/** POSTs a JSON body as-is (already signed or deliberately not). */
export async function postRaw(platform: Platform, path: string, body: object): Promise<Answer> {
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
  postRaw(platform, '/api/platform/member/verify', signMemberRequest(creds, fields));

export const memberStatus = (platform: Platform, creds: PartnerCredentials, fields: Record<string, unknown>) =>
  postRaw(platform, '/api/platform/member/status', signMemberRequest(creds, fields));

/** Seed 000 signature of a received notification, as the partner SDK computes it. */
export const expectedSign = (secret: string, fields: Record<string, unknown>): string => memberSign(secret, fields);

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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A notifier still delivering keeps its keep-alive connections busy, and close() waits for them.
        server.closeAllConnections();
      }),
  };
}
