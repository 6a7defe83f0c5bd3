/**
 * The reviewer API as the console uses it: same origin, the reviewer's bearer token on every call,
 * nothing cached by the browser, and a timeout on every request. Errors keep the API's stable code
 * so views can tell "another reviewer decided first" from anything else.
 */

export interface CaseSummary {
  case_id: string;
  case_number: number;
  partner_id: string;
  status: string;
  validate_status: number;
  round: number;
  submitted_at: string | null;
}

export interface CaseDetail {
  case: CaseSummary & {
    name: string;
    idcard_number: string;
    reject_reason_code: string | null;
    reject_reason: string | null;
    method: string;
    details: Record<string, string>;
  };
  photos: { photo_type: number; content_type: string; size_bytes: number; width: number; height: number; href: string }[];
  decisions: { round: number; from_status: string; to_status: string; reviewer_id: string; reason_code: string | null; decided_at: string | null }[];
}

export type Decision = { decision: 'approve'; round: number } | { decision: 'reject'; round: number; reason_code: string; reason?: string };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 20_000;

export interface ReviewerApi {
  me(): Promise<{ reviewer_id: string; name: string }>;
  pendingCases(limit: number): Promise<CaseSummary[]>;
  caseDetail(caseId: string): Promise<CaseDetail>;
  /** One photo's bytes; shown through a blob: URL, so it never sits in the HTTP cache. */
  photo(href: string): Promise<Blob>;
  decide(caseId: string, decision: Decision): Promise<CaseSummary>;
}

export function reviewerApi(token: string): ReviewerApi {
  const call = async (path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> => {
    let res: Response;
    try {
      res = await fetch(path, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${token}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        cache: 'no-store',
        credentials: 'omit',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      throw new ApiError(0, timedOut ? 'TIMEOUT' : 'NETWORK', timedOut ? 'The reviewer API did not answer in time.' : 'The reviewer API cannot be reached.');
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
      throw new ApiError(res.status, body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? `request failed (${res.status})`);
    }
    return res;
  };
  const json = async <T>(path: string, init?: { method?: string; body?: unknown }): Promise<T> => (await call(path, init)).json() as Promise<T>;
  const casePath = (caseId: string) => `/reviewer/v1/cases/${encodeURIComponent(caseId)}`;
  return {
    me: async () => (await json<{ reviewer: { reviewer_id: string; name: string } }>('/reviewer/v1/me')).reviewer,
    pendingCases: async (limit) => (await json<{ cases: CaseSummary[] }>(`/reviewer/v1/cases?status=pending&limit=${limit}`)).cases,
    caseDetail: (caseId) => json<CaseDetail>(casePath(caseId)),
    photo: async (href) => (await call(href)).blob(),
    decide: async (caseId, decision) => (await json<{ case: CaseSummary }>(`${casePath(caseId)}/decision`, { method: 'POST', body: decision })).case,
  };
}
