/**
 * The evidence lock has one owner: realname-pattern decides it and publishes EvidenceLockChanged
 * with every submission and decision (next to CaseSubmitted / CaseDecided, which stay); photo-storage
 * applies what the event says. Assertions are what consumers of kyc.review.v1 and a partner see.
 */
import { review } from '@kyc/contracts';
import { Platform } from '@kyc/dev-platform';
import { decodeEnvelope } from '@kyc/kafka-bus';
import { bootPlatform, eventually, partnerWithUser, readTopic, withMongo } from '../support/fixtures';
import { reviewTopic, subjectOf } from '../support/events';
import { idNumber } from '../support/identities';
import { makeCasePending, newReviewer, ReviewerClient, uploadPhoto } from '../support/review';
import { pngImage } from '../support/images';

let platform: Platform;
let reviewer: ReviewerClient;

beforeAll(async () => {
  platform = await bootPlatform('evidence-lock');
  reviewer = await newReviewer(platform, 'Lock Reviewer');
});
afterAll(async () => {
  await platform?.stop();
});

const reviewEventsFor = async (subjectId: string) => {
  const seen = new Set<string>();
  return (await readTopic(reviewTopic(platform)))
    .filter((m) => m.key === subjectId)
    .map((m) => decodeEnvelope(m.value))
    .filter((e) => !seen.has(e.eventId) && seen.add(e.eventId));
};

describe('evidence lock owned by realname-pattern', () => {
  it('when a case is submitted, rejected, resubmitted and approved, then each step publishes EvidenceLockChanged after its case event and photo-storage follows it', async () => {
    const user = await partnerWithUser(platform, 'lock-cycle');
    const { subjectId, partnerId } = await subjectOf(platform, user.sid);
    const identity = { name: '张三', idcardNumber: idNumber('440305', '19851122', 123) };

    const { caseNumber } = await makeCasePending(platform, user.sid, identity);
    const first = await reviewer.pendingCase(caseNumber);
    expect((await reviewer.decide(first.case_id, { decision: 'reject', round: 1, reason_code: 'PHOTO_UNREADABLE' })).status).toBe(200);
    // Unlocked again: the partner may replace a photo (photo-storage learns of it within moments).
    await eventually(async () => ((await uploadPhoto(platform, user.sid, 0, pngImage(64, 48, 7))).result === 200 ? true : undefined));
    await makeCasePending(platform, user.sid, identity, { photos: false });
    expect((await reviewer.decide(first.case_id, { decision: 'approve', round: 2 })).status).toBe(200);

    const events = await eventually(async () => {
      const all = await reviewEventsFor(subjectId);
      return all.filter((e) => e.type === 'kyc.review.v1.EvidenceLockChanged').length === 4 ? all : undefined;
    });
    expect(events.map((e) => e.type.replace('kyc.review.v1.', ''))).toEqual([
      'CaseSubmitted',
      'EvidenceLockChanged',
      'CaseDecided',
      'EvidenceLockChanged',
      'CaseSubmitted',
      'EvidenceLockChanged',
      'CaseDecided',
      'EvidenceLockChanged',
    ]);
    const locks = events.filter((e) => e.type === 'kyc.review.v1.EvidenceLockChanged').map((e) => review.EvidenceLockChanged.decode(e.payload));
    expect(locks.map(({ subjectId: s, partnerId: p, locked, round }) => ({ s, p, locked, round }))).toEqual([
      { s: subjectId, p: partnerId, locked: true, round: 1 },
      { s: subjectId, p: partnerId, locked: false, round: 1 },
      { s: subjectId, p: partnerId, locked: true, round: 2 },
      { s: subjectId, p: partnerId, locked: true, round: 2 },
    ]);
    for (const e of events) expect(e.payload.includes(Buffer.from(identity.idcardNumber))).toBe(false);

    // photo-storage holds the lock of the last change it applied.
    const stored = await eventually(() =>
      withMongo(async (c) => {
        const doc = await c.db(platform.dbName('photo-storage')).collection('subject_photos').findOne({ _id: subjectId as never });
        return doc?.lockRound === 2 ? doc : undefined;
      }),
    );
    expect(stored.locked).toBe(true);
    expect((await uploadPhoto(platform, user.sid, 0, pngImage(64, 48, 8))).result).toBe(401);
  });
});
