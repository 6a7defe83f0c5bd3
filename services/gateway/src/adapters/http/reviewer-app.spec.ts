/* eslint-disable @typescript-eslint/no-explicit-any -- loose fakes of the generated gRPC clients */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { Registry } from 'prom-client';
import { review } from '@kyc/contracts';
import { createLogger, failedPrecondition, KycError } from '@kyc/core';
import { createReviewerApp } from './reviewer-app';

const silent = createLogger('reviewer-app-spec', 'silent');
const TOKEN = `rv_0123456789abcdef.${'T'.repeat(43)}`;
const PENDING = review.ReviewStatus.REVIEW_STATUS_PENDING;

const summary = {
  caseId: 'c1',
  caseNumber: 7,
  subjectId: 's1',
  partnerId: 'p1',
  status: PENDING,
  submittedAt: new Date('2024-01-02T03:04:05Z'),
  round: 2,
};

/** Fake gRPC clients: unary calls are answered by method name, so tests can see what was asked. */
function fakeClients(answers: Record<string, (req: any) => unknown>) {
  const calls: { method: string; req: any }[] = [];
  const client = (methods: string[]) => ({
    raw: Object.fromEntries(methods.map((m) => [m, m])) as any,
    unary: async (method: string, req: unknown) => {
      calls.push({ method, req });
      const answer = answers[method];
      if (!answer) throw new Error(`unexpected call ${method}`);
      return answer(req);
    },
  });
  const photoStorage = client(['listPhotos']);
  photoStorage.raw.downloadPhoto = (req: any) => {
    calls.push({ method: 'downloadPhoto', req });
    const parts = answers.downloadPhoto(req) as unknown[];
    return Object.assign(Readable.from(parts), { cancel() {} });
  };
  return { calls, clients: { realnamePattern: client(['listPendingCases', 'getCaseForReview', 'decideCase']), photoStorage } as any };
}

async function serve(answers: Record<string, (req: any) => unknown>) {
  const { calls, clients } = fakeClients(answers);
  const app = createReviewerApp({
    logger: silent,
    metrics: new Registry(),
    reviewers: { authenticate: async (t) => (t === TOKEN ? { id: 'rv_0123456789abcdef', name: 'Wang', active: true } : undefined) },
    clients,
    isReady: () => true,
  });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = (path: string, init: RequestInit & { token?: string | null } = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: {
        ...(init.token === null ? {} : { authorization: `Bearer ${init.token ?? TOKEN}` }),
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
    });
  return { calls, call, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('reviewer API', () => {
  let api: Awaited<ReturnType<typeof serve>>;
  afterEach(async () => api?.close());

  it('when no token or a wrong token is sent, then 401 with a bearer challenge and nothing is asked downstream', async () => {
    api = await serve({});
    for (const token of [null, 'nope', `rv_0123456789abcdef.${'X'.repeat(43)}`]) {
      const res = await api.call('/reviewer/v1/cases', { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="kyc-reviewer"');
      expect(await res.json()).toEqual({ error: { code: 'KYC.REVIEWER.UNAUTHENTICATED', message: expect.any(String) } });
    }
    expect(api.calls).toEqual([]);
  });

  it('when a reviewer lists cases, then summaries come back oldest first as the owner sent them, uncacheable', async () => {
    api = await serve({ listPendingCases: () => ({ cases: [summary] }) });
    const res = await api.call('/reviewer/v1/cases?limit=5');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      cases: [{ case_id: 'c1', case_number: 7, partner_id: 'p1', status: 'pending', validate_status: 1, round: 2, submitted_at: '2024-01-02T03:04:05.000Z' }],
    });
    expect(api.calls).toEqual([{ method: 'listPendingCases', req: { limit: 5 } }]);
  });

  it('when a query or body is invalid, then 400 naming the field', async () => {
    api = await serve({});
    const bad = await api.call('/reviewer/v1/cases?limit=1000');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toEqual({ code: 'KYC.REVIEWER.INVALID_REQUEST', message: expect.stringContaining('limit') });
    for (const body of [
      { decision: 'approve' },
      { decision: 'maybe', round: 1 },
      { decision: 'reject', round: 1 },
      { decision: 'reject', round: 1, reason_code: 'lower case' },
      { decision: 'approve', round: 1, reason_code: 'OTHER' },
      // round is a proto int32: 2^31 would fail to encode in this process.
      { decision: 'approve', round: 2147483648 },
      { decision: 'reject', round: 1e300, reason_code: 'OTHER' },
    ]) {
      const res = await api.call('/reviewer/v1/cases/c1/decision', { method: 'POST', body: JSON.stringify(body) });
      expect(res.status).toBe(400);
    }
    const hugePhotoType = await api.call('/reviewer/v1/cases/c1/photos/4294967296');
    expect(hugePhotoType.status).toBe(400);
    const broken = await api.call('/reviewer/v1/cases/c1/decision', { method: 'POST', body: '{"decision":' });
    expect(broken.status).toBe(400);
    expect(api.calls).toEqual([]);
  });

  it('when a reviewer decides, then the decision is attributed to the authenticated reviewer, not to anything in the body', async () => {
    api = await serve({ decideCase: () => ({ summary: { ...summary, status: review.ReviewStatus.REVIEW_STATUS_REJECTED } }) });
    const res = await api.call('/reviewer/v1/cases/c1/decision', {
      method: 'POST',
      body: JSON.stringify({ decision: 'reject', round: 2, reason_code: 'PHOTO_UNREADABLE', reason: 'blurred' }),
    });
    expect(res.status).toBe(200);
    expect((await res.json()).case).toMatchObject({ case_id: 'c1', status: 'rejected', validate_status: 3 });
    expect(api.calls[0].req).toMatchObject({
      caseId: 'c1',
      decision: review.ReviewStatus.REVIEW_STATUS_REJECTED,
      round: 2,
      reasonCode: 'PHOTO_UNREADABLE',
      reason: 'blurred',
      reviewerId: 'rv_0123456789abcdef',
    });
  });

  it('when the owner says the case was already decided, then 409 with its code', async () => {
    api = await serve({
      decideCase: () => {
        throw failedPrecondition('KYC.REVIEW.ALREADY_DECIDED', 'realname-pattern: another reviewer already decided');
      },
    });
    const res = await api.call('/reviewer/v1/cases/c1/decision', { method: 'POST', body: JSON.stringify({ decision: 'approve', round: 1 }) });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: { code: 'KYC.REVIEW.ALREADY_DECIDED', message: 'another reviewer already decided' } });
  });

  it('when the owner is down, then 503; when something unexpected breaks, then 500 without details', async () => {
    api = await serve({
      listPendingCases: () => {
        throw new KycError('KYC.GRPC.BREAKER_OPEN', 'realname-pattern: breaker open', { kind: 'unavailable' });
      },
      getCaseForReview: () => {
        throw new Error('secret internals');
      },
    });
    expect((await api.call('/reviewer/v1/cases')).status).toBe(503);
    const res = await api.call('/reviewer/v1/cases/c1');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 'KYC.INTERNAL', message: 'internal error' } });
  });

  it('when a reviewer opens a case, then identity, photos with links and earlier decisions are shown', async () => {
    api = await serve({
      getCaseForReview: () => ({
        summary,
        name: '张三',
        idcardNumber: '11010119900307001X',
        rejectReason: '',
        rejectReasonCode: '',
        decisions: [
          {
            caseId: 'c1',
            round: 1,
            fromStatus: PENDING,
            toStatus: review.ReviewStatus.REVIEW_STATUS_REJECTED,
            reviewerId: 'rv_x',
            reasonCode: 'OTHER',
            decidedAt: new Date('2024-01-01T00:00:00Z'),
          },
        ],
      }),
      listPhotos: () => ({ photos: [{ photoType: 1, photoNumber: 9, contentType: 'image/png', sizeBytes: 10, width: 800, height: 600 }] }),
    });
    const body = await (await api.call('/reviewer/v1/cases/c1')).json();
    expect(body.case).toMatchObject({ case_id: 'c1', name: '张三', idcard_number: '11010119900307001X', round: 2, reject_reason: null });
    expect(body.photos).toEqual([
      { photo_type: 1, content_type: 'image/png', size_bytes: 10, width: 800, height: 600, href: '/reviewer/v1/cases/c1/photos/1' },
    ]);
    expect(body.decisions).toEqual([
      { round: 1, from_status: 'pending', to_status: 'rejected', reviewer_id: 'rv_x', reason_code: 'OTHER', decided_at: '2024-01-01T00:00:00.000Z' },
    ]);
    expect(api.calls.find((c) => c.method === 'listPhotos')?.req).toEqual({ subjectId: 's1' });
  });

  it("when a reviewer fetches a photo, then its bytes stream through with the photo's content type", async () => {
    api = await serve({
      getCaseForReview: () => ({ summary, decisions: [] }),
      downloadPhoto: () => [
        { metadata: { photoType: 0, contentType: 'image/jpeg', sizeBytes: 6 } },
        { chunk: Buffer.from('abc') },
        { chunk: Buffer.from('def') },
      ],
    });
    const res = await api.call('/reviewer/v1/cases/c1/photos/0');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('abcdef');
    expect(api.calls.find((c) => c.method === 'downloadPhoto')?.req).toEqual({ subjectId: 's1', photoType: 0 });
  });

  it('when a partner route is called on the reviewer port, then it does not exist here', async () => {
    api = await serve({});
    const res = await api.call('/user/validate/fetch_info/?user_sid=x', { token: null });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('KYC.REVIEWER.NOT_FOUND');
  });
});
