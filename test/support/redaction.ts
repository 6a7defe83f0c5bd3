/**
 * A partner redacting one of its users (POST /api/platform/redaction) and following it (the
 * signed GET), as partners call them.
 */
import { PartnerCredentials, Platform, signBody } from '@kyc/dev-platform';
import { eventually } from './fixtures';

export interface RedactionAnswer {
  status: number;
  body: {
    code: number;
    message: string;
    data: {
      redaction_id: string;
      status: 'processing' | 'completed';
      requested_at: string;
      completed_at: string | null;
      services: { service: string; status: 'pending' | 'completed'; completed_at: string | null }[];
    } | null;
  };
}

export async function requestRedaction(platform: Platform, partner: PartnerCredentials, userId: string): Promise<RedactionAnswer> {
  const res = await fetch(`${platform.gatewayUrl}/api/platform/redaction`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(signBody(partner, { user_id: userId })),
  });
  return { status: res.status, body: (await res.json()) as RedactionAnswer['body'] };
}

export async function redactionProgress(platform: Platform, partner: PartnerCredentials, redactionId: string): Promise<RedactionAnswer> {
  const query = new URLSearchParams(Object.entries(signBody(partner, { redaction_id: redactionId })).map(([k, v]): [string, string] => [k, String(v)]));
  const res = await fetch(`${platform.gatewayUrl}/api/platform/redaction?${query}`);
  return { status: res.status, body: (await res.json()) as RedactionAnswer['body'] };
}

/** Redacts a user and waits until every service has reported its share done; returns the redaction id. */
export async function redactAndWait(platform: Platform, partner: PartnerCredentials, userId: string, timeoutMs = 60_000): Promise<string> {
  const accepted = await requestRedaction(platform, partner, userId);
  if (accepted.status !== 202 || !accepted.body.data) throw new Error(`redaction refused: ${accepted.status} ${accepted.body.message}`);
  const redactionId = accepted.body.data.redaction_id;
  await eventually(async () => ((await redactionProgress(platform, partner, redactionId)).body.data?.status === 'completed' ? true : undefined), timeoutMs, 300);
  return redactionId;
}
