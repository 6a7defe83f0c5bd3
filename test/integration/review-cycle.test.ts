/**
 * Manual review end to end: users submit through seed 002, reviewers work through the gateway's
 * reviewer API (its own port), realname-pattern decides, and every transition reaches Kafka.
 * Assertions are about what partners (fetch_info), reviewers (the reviewer API), consumers of the
 * review topic and auditors (the audit trail) can observe.
 */
import { review } from '@kyc/contracts';
import { Platform } from '@kyc/dev-platform';
import { decodeEnvelope } from '@kyc/kafka-bus';
import { bootPlatform, eventually, partnerWithUser, readTopic, withMongo } from '../support/fixtures';
import { produce, reviewTopic, subjectOf, submissionTopic } from '../support/events';
import { idNumber } from '../support/identities';
import {
  EVIDENCE_PHOTOS,
  fetchInfo,
  makeCasePending,
  newReviewer,
  ReviewerClient,
  reviewerClient,
  statusOf,
  submitInfo,
  waitForStatus,
} from '../support/review';

let platform: Platform;
let alice: ReviewerClient;
let bob: ReviewerClient;

beforeAll(async () => {
  platform = await bootPlatform('review');
  [alice, bob] = await Promise.all([newReviewer(platform, 'Alice Reviewer'), newReviewer(platform, 'Bob Reviewer')]);
});
afterAll(async () => {
  await platform?.stop();
});

/** The subject's review events as a consumer sees them: publication is at-least-once, consumers dedupe by event id. */
const reviewEventsFor = async (subjectId: string) => {
  const seen = new Set<string>();
  return (await readTopic(reviewTopic(platform)))
    .filter((m) => m.key === subjectId)
    .map((m) => decodeEnvelope(m.value))
    .filter((e) => !seen.has(e.eventId) && seen.add(e.eventId));
};

const auditEntriesFor = (caseId: string) =>
  withMongo((c) => c.db(platform.dbName('realname-pattern')).collection('review_audit').find({ caseId }).sort({ round: 1 }).toArray());

describe('manual review', () => {
  it('when a case is rejected, corrected, resubmitted and approved, then fetch_info goes 0 -> 1 -> 3 -> 1 -> 2 and each decision is a CaseDecided event', async () => {
    const user = await partnerWithUser(platform, 'cycle');
    const { subjectId } = await subjectOf(platform, user.sid);
    const first = { name: '张三', idcardNumber: idNumber('440305', '19851122') };
    const corrected = { name: '张山', idcardNumber: first.idcardNumber };
    expect(await statusOf(platform, user.sid)).toBe(0);

    const { caseNumber } = await makeCasePending(platform, user.sid, first);
    expect(await statusOf(platform, user.sid)).toBe(1);

    // Alice opens the case: identity and photos for her eyes, round 1, nothing decided yet.
    const listed = await alice.pendingCase(caseNumber);
    expect(listed).toMatchObject({ status: 'pending', validate_status: 1, round: 1 });
    const opened = await alice.get(`/reviewer/v1/cases/${listed.case_id}`);
    expect(opened.status).toBe(200);
    expect(opened.body.case).toMatchObject({ case_id: listed.case_id, name: first.name, idcard_number: first.idcardNumber, round: 1 });
    expect(opened.body.decisions).toEqual([]);
    expect(opened.body.photos.map((p: { photo_type: number }) => p.photo_type)).toEqual([0, 1]);
    for (const p of opened.body.photos as { photo_type: number; href: string }[]) {
      const photo = await alice.call(p.href);
      expect(photo.status).toBe(200);
      expect(photo.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await photo.arrayBuffer()).equals(EVIDENCE_PHOTOS[p.photo_type])).toBe(true);
    }
    expect((await alice.call('/reviewer/v1/cases/000000000000000000000000/photos/0')).status).toBe(404);
    expect((await alice.get('/reviewer/v1/cases/000000000000000000000000')).body.error.code).toBe('KYC.REVIEW.CASE_NOT_FOUND');

    const rejected = await alice.decide(listed.case_id, { decision: 'reject', round: 1, reason_code: 'INFO_MISMATCH', reason: '姓名与证件不符' });
    expect(rejected).toEqual({ status: 200, body: { case: expect.objectContaining({ status: 'rejected', validate_status: 3, round: 1 }) } });
    expect(await statusOf(platform, user.sid)).toBe(3);
    expect((await alice.pendingCases()).map((c) => c.case_id)).not.toContain(listed.case_id);

    // The user corrects the name and submits again: pending once more, in round 2.
    // The photos uploaded before stay on file: only the info is corrected.
    const { caseNumber: sameCase } = await makeCasePending(platform, user.sid, corrected, { photos: false });
    expect(sameCase).toBe(caseNumber);
    expect((await fetchInfo(platform, user.sid)).response.validate_obj).toMatchObject({ validate_status: 1, name: corrected.name });

    const again = await bob.pendingCase(caseNumber);
    expect(again).toMatchObject({ case_id: listed.case_id, round: 2 });
    const reopened = await bob.get(`/reviewer/v1/cases/${again.case_id}`);
    expect(reopened.body.case).toMatchObject({ name: corrected.name, round: 2 });
    expect(reopened.body.decisions).toEqual([
      expect.objectContaining({ round: 1, from_status: 'pending', to_status: 'rejected', reviewer_id: alice.id, reason_code: 'INFO_MISMATCH' }),
    ]);
    // A decision on the round that is already decided does not touch the new round.
    expect((await bob.decide(again.case_id, { decision: 'approve', round: 1 })).status).toBe(409);
    expect(await statusOf(platform, user.sid)).toBe(1);

    expect((await bob.decide(again.case_id, { decision: 'approve', round: 2 })).body.case).toMatchObject({ status: 'approved', round: 2 });
    expect(await statusOf(platform, user.sid)).toBe(2);
    // Approved is final: the user can no longer change the info.
    expect((await submitInfo(platform, user.sid, first)).response.result).toBe(401);

    const events = await eventually(async () => {
      const all = await reviewEventsFor(subjectId);
      return all.filter((e) => e.type === 'kyc.review.v1.CaseDecided').length === 2 ? all : undefined;
    });
    expect(events.filter((e) => e.type === 'kyc.review.v1.CaseSubmitted').map((e) => review.CaseSubmitted.decode(e.payload).caseId)).toEqual([
      listed.case_id,
      listed.case_id,
    ]);
    const decided = events.filter((e) => e.type === 'kyc.review.v1.CaseDecided').map((e) => review.CaseDecided.decode(e.payload));
    expect(decided).toEqual([
      expect.objectContaining({
        caseId: listed.case_id,
        subjectId,
        partnerId: user.partner.app_id,
        status: review.ReviewStatus.REVIEW_STATUS_REJECTED,
        reviewerId: alice.id,
        round: 1,
        reasonCode: 'INFO_MISMATCH',
        reason: '',
      }),
      expect.objectContaining({ status: review.ReviewStatus.REVIEW_STATUS_APPROVED, reviewerId: bob.id, round: 2, reasonCode: '' }),
    ]);
    // Ids and codes only on Kafka: neither the identity nor the reviewer's note.
    const onTheWire = events.map((e) => Buffer.from(e.payload).toString('utf8')).join('\n');
    for (const secret of [first.name, corrected.name, first.idcardNumber, '姓名与证件不符']) expect(onTheWire).not.toContain(secret);
  });

  it('when two reviewers decide the same case at once, then exactly one wins with 200, the other gets 409, and the case is in the winner’s state', async () => {
    for (let i = 0; i < 3; i++) {
      const user = await partnerWithUser(platform, `race-${i}`);
      const { caseNumber } = await makeCasePending(platform, user.sid, { name: '赵六', idcardNumber: idNumber('310101', '19790101', i) });
      const c = await alice.pendingCase(caseNumber);
      const [a, b] = await Promise.all([
        alice.decide(c.case_id, { decision: 'approve', round: c.round }),
        bob.decide(c.case_id, { decision: 'reject', round: c.round, reason_code: 'PHOTO_UNREADABLE' }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const loser = a.status === 409 ? a : b;
      expect(loser.body).toEqual({ error: { code: 'KYC.REVIEW.ALREADY_DECIDED', message: expect.any(String) } });
      const winnerStatus = a.status === 200 ? 2 : 3;
      expect(await statusOf(platform, user.sid)).toBe(winnerStatus);
      const audit = await auditEntriesFor(c.case_id);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ reviewerId: a.status === 200 ? alice.id : bob.id, toStatus: winnerStatus });
      // The answer holds: the loser's decision does not surface later either.
      await new Promise((r) => setTimeout(r, 300));
      expect(await statusOf(platform, user.sid)).toBe(winnerStatus);
    }
  });

  it('when the reviewer API is called without a token, with a wrong or disabled reviewer’s token, then 401; on the partner port it does not exist', async () => {
    const noToken = await alice.call('/reviewer/v1/cases', { token: null });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await noToken.json()).toEqual({ error: { code: 'KYC.REVIEWER.UNAUTHENTICATED', message: expect.any(String) } });
    for (const token of ['garbage', `${alice.id}.${'A'.repeat(43)}`, `${alice.token}x`, bob.token.replace(bob.id, alice.id)]) {
      expect((await alice.call('/reviewer/v1/cases', { token })).status).toBe(401);
    }
    expect((await alice.call('/reviewer/v1/cases/anything/decision', { method: 'POST', body: { decision: 'approve', round: 1 }, token: 'x' })).status).toBe(401);
    expect((await alice.get('/reviewer/v1/me')).body).toEqual({ reviewer: { reviewer_id: alice.id, name: 'Alice Reviewer' } });

    // A disabled reviewer is refused at once; a rotated token replaces the old one.
    const carol = await newReviewer(platform, 'Carol Reviewer');
    expect((await carol.call('/reviewer/v1/cases')).status).toBe(200);
    const { reviewerAdmin } = await import('@kyc/dev-platform');
    await reviewerAdmin(platform, ['disable', '--id', carol.id]);
    expect((await carol.call('/reviewer/v1/cases')).status).toBe(401);
    await reviewerAdmin(platform, ['enable', '--id', carol.id]);
    const rotated = (await reviewerAdmin(platform, ['rotate-token', '--id', carol.id])) as { reviewer_id: string; token: string };
    expect((await carol.call('/reviewer/v1/cases')).status).toBe(401);
    expect((await reviewerClient(platform, rotated).call('/reviewer/v1/cases')).status).toBe(200);

    // The partner port serves partners only, whatever the token.
    for (const path of ['/reviewer/v1/cases', '/reviewer/v1/me']) {
      const res = await alice.call(path, { baseUrl: platform.gatewayUrl });
      expect(res.status).toBe(404);
    }
    expect((await alice.call('/reviewer/v1/cases/x/decision', { baseUrl: platform.gatewayUrl, method: 'POST', body: { decision: 'approve', round: 1 } })).status).toBe(404);
    // ... and the reviewer port serves no partner contract.
    expect((await fetch(`${platform.reviewerUrl}/user/validate/fetch_info/?user_sid=x`)).status).toBe(404);
  });

  it('when cases are decided, then the audit trail has one entry per decision with reviewer ids and no name, ID number or note', async () => {
    const user = await partnerWithUser(platform, 'audited');
    const identity = { name: '钱七', idcardNumber: idNumber('110101', '19900307') };
    const { caseNumber } = await makeCasePending(platform, user.sid, identity);
    const c = await alice.pendingCase(caseNumber);
    const note = `请重新拍摄 ${identity.name} ${identity.idcardNumber}`; // a careless note full of personal data
    const before = Date.now();
    expect((await alice.decide(c.case_id, { decision: 'reject', round: 1, reason_code: 'PHOTO_UNREADABLE', reason: note })).status).toBe(200);
    await makeCasePending(platform, user.sid, identity, { photos: false });
    expect((await bob.decide(c.case_id, { decision: 'approve', round: 2 })).status).toBe(200);

    const audit = await auditEntriesFor(c.case_id);
    expect(audit.map(({ round, fromStatus, toStatus, reviewerId, reasonCode }) => ({ round, fromStatus, toStatus, reviewerId, reasonCode }))).toEqual([
      { round: 1, fromStatus: 1, toStatus: 3, reviewerId: alice.id, reasonCode: 'PHOTO_UNREADABLE' },
      { round: 2, fromStatus: 1, toStatus: 2, reviewerId: bob.id, reasonCode: '' },
    ]);
    for (const entry of audit) expect((entry.decidedAt as Date).getTime()).toBeGreaterThanOrEqual(before - 1_000);
    const raw = JSON.stringify(audit);
    const { subjectId } = await subjectOf(platform, user.sid);
    for (const personal of [identity.name, identity.idcardNumber, note, subjectId]) expect(raw).not.toContain(personal);
    // Nor do the services' logs, although every reviewer call is logged with its reviewer id.
    const logs = platform.readLogs();
    expect(logs).toContain(`"reviewerId":"${alice.id}"`);
    for (const personal of [identity.idcardNumber, note, alice.token, bob.token]) expect(logs).not.toContain(personal);
  });

  it('when several cases wait, then the pending list shows them oldest submission first', async () => {
    const numbers: number[] = [];
    for (const i of [1, 2, 3]) {
      const user = await partnerWithUser(platform, `queue-${i}`);
      numbers.push((await makeCasePending(platform, user.sid, { name: '孙八', idcardNumber: idNumber('320102', '19880808', i) })).caseNumber);
    }
    const list = await alice.pendingCases();
    expect(list.filter((c) => numbers.includes(c.case_number)).map((c) => c.case_number)).toEqual(numbers);
    const times = list.map((c) => Date.parse(c.submitted_at!));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect((await alice.pendingCases(2)).length).toBeLessThanOrEqual(2);
    expect((await alice.get('/reviewer/v1/cases?limit=0')).status).toBe(400);
  });

  it('when an old InfoSubmitted is redelivered after a rejection, then the case stays rejected, even once its dedupe record is gone', async () => {
    const user = await partnerWithUser(platform, 'redelivery');
    const { subjectId } = await subjectOf(platform, user.sid);
    const { caseNumber } = await makeCasePending(platform, user.sid, { name: '周九', idcardNumber: idNumber('510104', '19920202') });
    const c = await alice.pendingCase(caseNumber);
    expect((await alice.decide(c.case_id, { decision: 'reject', round: 1, reason_code: 'OTHER' })).status).toBe(200);
    expect(await statusOf(platform, user.sid)).toBe(3);

    // The very record the gateway published for the first submission.
    const original = (await readTopic(submissionTopic(platform))).find((m) => m.key === subjectId)!;
    const { eventId } = decodeEnvelope(original.value);
    // Processed-event records are swept after a while: without it, the case document's own guard
    // (applied event ids) must hold; the first redelivery meets that guard, the second the dedupe.
    const removed = await withMongo((m) =>
      m.db(platform.dbName('realname-pattern')).collection('processed_events').deleteOne({ _id: `realname-pattern.submissions:${eventId}` as never }),
    );
    expect(removed.deletedCount).toBe(1);
    await produce(submissionTopic(platform), [
      { key: subjectId, value: original.value },
      { key: subjectId, value: original.value },
    ]);

    // A genuine resubmission after them (same key, so same partition, so processed after them)
    // shows when the redeliveries have been handled.
    await submitInfo(platform, user.sid, { name: '周久', idcardNumber: idNumber('510104', '19920202') });
    const info = await waitForStatus(platform, user.sid, 1);
    expect(info.name).toBe('周久');
    const submitted = await eventually(async () => {
      const all = (await reviewEventsFor(subjectId)).filter((e) => e.type === 'kyc.review.v1.CaseSubmitted');
      return all.length >= 2 ? all : undefined;
    });
    // One CaseSubmitted per genuine submission: the redeliveries left no trace.
    expect(submitted).toHaveLength(2);
    expect((await alice.pendingCase(caseNumber)).round).toBe(2);
  });

  it('when a reviewer sends numbers that do not fit their proto types, then 400 each time, and partners keep being served', async () => {
    const user = await partnerWithUser(platform, 'overflow');
    const { caseNumber } = await makeCasePending(platform, user.sid, { name: '李四', idcardNumber: idNumber('110105', '19900101') });
    const pending = await alice.pendingCase(caseNumber);
    // Far more than the breaker's volume threshold: before, the fourth such request opened the
    // breaker in front of realname-pattern and every partner call answered 500 for seconds.
    for (let i = 0; i < 12; i++) {
      const res = await alice.decide(pending.case_id, { decision: 'approve', round: 2147483648 });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('KYC.REVIEWER.INVALID_REQUEST');
      expect(res.body.error.message).toContain('round');
    }
    expect((await alice.call(`/reviewer/v1/cases/${pending.case_id}/photos/4294967296`)).status).toBe(400);
    const info = await fetchInfo(platform, user.sid);
    expect(info.response.result).toBe(200);
    expect(info.response.validate_obj.validate_status).toBe(1);
    // The case itself is untouched and can still be decided on its real round.
    expect((await alice.decide(pending.case_id, { decision: 'approve', round: pending.round })).status).toBe(200);
  });
});
