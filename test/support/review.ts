/**
 * Helpers for manual-review tests: the partner side (seed 002 submit_info / fetch_info / photos)
 * and the reviewer side (the gateway's reviewer API, with a reviewer created by the operator CLI).
 */
import { createReviewer, Platform, ReviewerCredentials } from '@kyc/dev-platform';
import { eventually, getJson, postJson } from './fixtures';
import { pngImage } from './images';

// ---------- partner side (seed 002) ----------

export const fetchInfo = (platform: Platform, sid: string) =>
  getJson(`${platform.gatewayUrl}/user/validate/fetch_info/?user_sid=${encodeURIComponent(sid)}`);

export const submitInfo = (platform: Platform, sid: string, identity: Identity) =>
  postJson(`${platform.gatewayUrl}/user/validate/submit_info/`, {
    data: { user_sid: sid, name: identity.name, idcard_number: identity.idcardNumber },
  });

export const statusOf = async (platform: Platform, sid: string): Promise<number> =>
  (await fetchInfo(platform, sid)).response.validate_obj.validate_status;

/** Waits until fetch_info shows `status`; returns the validate_obj. */
export const waitForStatus = (platform: Platform, sid: string, status: number) =>
  eventually(async () => {
    const obj = (await fetchInfo(platform, sid)).response.validate_obj;
    return obj.validate_status === status ? obj : undefined;
  });

export interface Identity {
  name: string;
  idcardNumber: string;
}

/** Uploads one evidence photo (seed 002 submit_photo, multipart field v_photo); returns the envelope's response. */
export async function uploadPhoto(platform: Platform, sid: string, photoType: number, bytes: Buffer): Promise<{ result: number; photo_id?: number }> {
  const form = new FormData();
  form.append('v_photo', new Blob([bytes], { type: 'image/png' }), `photo-${photoType}.png`);
  const res = await fetch(
    `${platform.gatewayUrl}/user/validate/submit_photo/?user_sid=${encodeURIComponent(sid)}&t_photo=${photoType}`,
    { method: 'POST', body: form },
  );
  const body = (await res.json()) as { response: { result: number; photo_id?: number } };
  return body.response;
}

/** The photos makeCasePending uploads, by photo type (0 hand-held ID photo, 1 ID card front). */
export const EVIDENCE_PHOTOS: Record<number, Buffer> = { 0: pngImage(64, 48, 0), 1: pngImage(64, 48, 1) };

/** Uploads the photos submit_info requires (types 0 and 1), failing loudly if one is refused. */
export async function uploadEvidencePhotos(platform: Platform, sid: string): Promise<void> {
  for (const [type, bytes] of Object.entries(EVIDENCE_PHOTOS)) {
    const { result } = await uploadPhoto(platform, sid, Number(type), bytes);
    if (result !== 200) throw new Error(`photo ${type} upload refused: result ${result}`);
  }
}

/**
 * Makes a user's case pending review, as the user would: uploads the evidence photos submit_info
 * requires (types 0 and 1; skip with `photos: false` on a resubmission that keeps the photos on
 * file), submits name and ID number, and waits until fetch_info says 1. Works for a first
 * submission and for a resubmission after a rejection. Returns the case number partners see as
 * validate_obj.id.
 */
export async function makeCasePending(
  platform: Platform,
  sid: string,
  identity: Identity,
  opts: { photos?: boolean } = {},
): Promise<{ caseNumber: number }> {
  if (opts.photos ?? true) await uploadEvidencePhotos(platform, sid);
  const submitted = await submitInfo(platform, sid, identity);
  if (submitted.response.result !== 200) throw new Error(`submit_info refused: result ${submitted.response.result}`);
  const obj = await waitForStatus(platform, sid, 1);
  return { caseNumber: obj.id as number };
}

// ---------- reviewer side ----------

export interface CaseJson {
  case_id: string;
  case_number: number;
  partner_id: string;
  status: 'draft' | 'pending' | 'approved' | 'rejected';
  validate_status: number;
  round: number;
  submitted_at: string | null;
}

export interface ReviewerClient {
  id: string;
  token: string;
  /** Raw call to the reviewer API (its own port). */
  call(path: string, init?: { method?: string; body?: unknown; token?: string | null; baseUrl?: string }): Promise<Response>;
  get(path: string): Promise<{ status: number; body: any }>;
  post(path: string, body: unknown): Promise<{ status: number; body: any }>;
  pendingCases(limit?: number): Promise<CaseJson[]>;
  /** The pending case with this case number (as seen in the reviewer's list). */
  pendingCase(caseNumber: number): Promise<CaseJson>;
  decide(caseId: string, decision: { decision: 'approve' | 'reject'; round: number; reason_code?: string; reason?: string }): Promise<{
    status: number;
    body: any;
  }>;
}

export function reviewerClient(platform: Platform, creds: Pick<ReviewerCredentials, 'reviewer_id' | 'token'>): ReviewerClient {
  const call: ReviewerClient['call'] = (path, init = {}) =>
    fetch(`${init.baseUrl ?? platform.reviewerUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.token === null ? {} : { authorization: `Bearer ${init.token ?? creds.token}` }),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const jsonOf = async (res: Response) => ({ status: res.status, body: (await res.json()) as any });
  const client: ReviewerClient = {
    id: creds.reviewer_id,
    token: creds.token,
    call,
    get: async (path) => jsonOf(await call(path)),
    post: async (path, body) => jsonOf(await call(path, { method: 'POST', body })),
    pendingCases: async (limit = 200) => {
      const res = await client.get(`/reviewer/v1/cases?status=pending&limit=${limit}`);
      if (res.status !== 200) throw new Error(`listing cases failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.cases as CaseJson[];
    },
    pendingCase: (caseNumber) => eventually(async () => (await client.pendingCases()).find((c) => c.case_number === caseNumber)),
    decide: (caseId, decision) => client.post(`/reviewer/v1/cases/${encodeURIComponent(caseId)}/decision`, decision),
  };
  return client;
}

/** A reviewer registered with the operator CLI, ready to call the reviewer API. */
export async function newReviewer(platform: Platform, name: string): Promise<ReviewerClient> {
  return reviewerClient(platform, await createReviewer(platform, name));
}
