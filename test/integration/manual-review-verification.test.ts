/**
 * Seed 002's manual review as the `manual-review` verification method: every submitted round of a
 * case is one verification on kyc.verification.v1 (what the notifier turns into partner callbacks),
 * and an approval records the verified identity with identity-lookup (what seed 004 queries).
 * Driven through the real seed 002 flow and the gateway's reviewer API.
 */
import { Metadata, ServiceError } from '@grpc/grpc-js';
import { identity, verification } from '@kyc/contracts';
import { mintSession, Platform } from '@kyc/dev-platform';
import { decodeEnvelope, TOPICS } from '@kyc/kafka-bus';
import { bootPlatform, eventually, partnerWithUser, readTopic, withMongo } from '../support/fixtures';
import { produce, subjectOf, submissionTopic } from '../support/events';
import { idNumber } from '../support/identities';
import { makeCasePending, newReviewer, ReviewerClient, statusOf, waitForStatus } from '../support/review';

const { VerificationState: S } = verification;
let platform: Platform;
let reviewer: ReviewerClient;
let identities: identity.IdentityLookupServiceClient;
let verifications: verification.VerificationServiceClient;

beforeAll(async () => {
  platform = await bootPlatform('mrverif');
  reviewer = await newReviewer(platform, 'Rita Reviewer');
  // Both as the gateway calls them (mutual TLS, the gateway's certificate).
  identities = new identity.IdentityLookupServiceClient(
    platform.grpcTargets['identity-lookup'],
    platform.pki.credentialsFor('gateway', 'identity-lookup'),
    platform.pki.channelOptions('identity-lookup'),
  );
  verifications = new verification.VerificationServiceClient(
    platform.grpcTargets['realname-pattern'],
    platform.pki.credentialsFor('gateway', 'realname-pattern'),
    platform.pki.channelOptions('realname-pattern'),
  );
});
afterAll(async () => {
  identities?.close();
  verifications?.close();
  await platform?.stop();
});

type Rpc<Req, Res> = (req: Req, md: Metadata, opts: { deadline: number }, cb: (err: ServiceError | null, res: Res) => void) => unknown;
const call = <Req, Res>(client: object, rpc: Rpc<Req, Res>, req: Req) =>
  new Promise<Res>((resolve, reject) =>
    rpc.call(client, req, new Metadata(), { deadline: Date.now() + 10_000 }, (err, res) => (err ? reject(err) : resolve(res))),
  );
const findIdentity = (partnerId: string, subjectId: string) =>
  call<identity.FindVerifiedIdentityRequest, identity.FindVerifiedIdentityResponse>(identities, identities.findVerifiedIdentity, {
    partnerId,
    subjectId,
    idNumber: '',
    documentType: identity.DocumentType.DOCUMENT_TYPE_UNSPECIFIED,
  });
const subjectState = (subjectId: string) =>
  call<verification.GetSubjectStateRequest, verification.GetSubjectStateResponse>(verifications, verifications.getSubjectState, {
    subjectId,
    method: '',
    includeClaim: true,
    checkNow: false,
  });

type VerificationEvent =
  | { type: 'started'; eventId: string; e: verification.VerificationStarted }
  | { type: 'completed'; eventId: string; e: verification.VerificationCompleted };

/** The subject's verification events as a consumer sees them (deduplicated by event id, as consumers do). */
async function verificationEventsFor(subjectId: string): Promise<VerificationEvent[]> {
  const seen = new Set<string>();
  return (await readTopic(platform.topic(TOPICS.verification), 1_500))
    .filter((m) => m.key === subjectId)
    .map((m) => decodeEnvelope(m.value))
    .filter((env) => !seen.has(env.eventId) && seen.add(env.eventId))
    .map((env): VerificationEvent =>
      env.type === 'kyc.verification.v1.VerificationStarted'
        ? { type: 'started', eventId: env.eventId, e: verification.VerificationStarted.decode(env.payload) }
        : { type: 'completed', eventId: env.eventId, e: verification.VerificationCompleted.decode(env.payload) },
    );
}
const startedOf = (events: VerificationEvent[]) => events.flatMap((x) => (x.type === 'started' ? [x.e] : []));
const completedOf = (events: VerificationEvent[]) => events.flatMap((x) => (x.type === 'completed' ? [x.e] : []));

/** Waits until the subject's events satisfy `ready`. */
const eventsWhen = (subjectId: string, ready: (events: VerificationEvent[]) => boolean) =>
  eventually(async () => {
    const events = await verificationEventsFor(subjectId);
    return ready(events) ? events : undefined;
  }, 30_000);

describe('manual review as the manual-review verification method', () => {
  it('when a case is submitted and approved, then a manual-review verification starts, succeeds OK, and identity-lookup knows the identity with the card photo and 户籍地址', async () => {
    const user = await partnerWithUser(platform, 'approved');
    const { subjectId } = await subjectOf(platform, user.sid);
    const person = { name: '王小明', idcardNumber: idNumber('110101', '19900307', 123) };
    const { caseNumber } = await makeCasePending(platform, user.sid, person);
    const c = await reviewer.pendingCase(caseNumber);

    const [started] = startedOf(await eventsWhen(subjectId, (ev) => startedOf(ev).length === 1));
    expect(started).toMatchObject({ verificationId: `${c.case_id}:1`, subjectId, partnerId: user.partner.app_id, method: 'manual-review' });
    // Waiting for the reviewer: PROCESSING, visible to the gateway as the subject's latest verification.
    const waiting = await subjectState(subjectId);
    expect(waiting.found).toBe(true);
    expect(waiting.latest).toMatchObject({ verificationId: started.verificationId, method: 'manual-review', state: S.VERIFICATION_STATE_PROCESSING, resultCode: '' });
    expect(waiting.latest!.evidenceIds).toEqual([`${subjectId}:0`, `${subjectId}:1`]);
    expect(waiting.claim).toMatchObject({ name: person.name, idNumber: person.idcardNumber });
    expect((await findIdentity(user.partner.app_id, subjectId)).found).toBe(false);

    expect((await reviewer.decide(c.case_id, { decision: 'approve', round: 1 })).status).toBe(200);
    const [completed] = completedOf(await eventsWhen(subjectId, (ev) => completedOf(ev).length === 1));
    expect(completed).toMatchObject({
      verificationId: started.verificationId,
      method: 'manual-review',
      state: S.VERIFICATION_STATE_SUCCEEDED,
      resultCode: 'OK',
    });
    expect((await subjectState(subjectId)).latest).toMatchObject({ state: S.VERIFICATION_STATE_SUCCEEDED, resultCode: 'OK' });
    expect(await statusOf(platform, user.sid)).toBe(2);

    const found = await findIdentity(user.partner.app_id, subjectId);
    expect(found.found).toBe(true);
    expect(found.identity).toMatchObject({
      subjectId,
      name: person.name,
      idNumber: person.idcardNumber,
      address: '北京市东城区',
      cardFrontPhotoId: `${subjectId}:1`,
      method: 'manual-review',
      verificationId: started.verificationId,
    });
  });

  it('when a case is rejected, redelivered, resubmitted and approved, then round 1 fails with the reason code, round 2 is a new verification, and the redelivery opened none', async () => {
    const user = await partnerWithUser(platform, 'rounds');
    const { subjectId } = await subjectOf(platform, user.sid);
    const person = { name: '李小红', idcardNumber: idNumber('110101', '19920815', 124) };
    const { caseNumber } = await makeCasePending(platform, user.sid, person);
    const c = await reviewer.pendingCase(caseNumber);
    await eventsWhen(subjectId, (ev) => startedOf(ev).length === 1);

    // The very submission the gateway published, delivered again while round 1 waits, with its
    // dedupe record gone (swept): only the case's own guard and the round's id stand in the way.
    const original = (await readTopic(submissionTopic(platform))).find((m) => m.key === subjectId)!;
    const { eventId } = decodeEnvelope(original.value);
    await withMongo((m) =>
      m.db(platform.dbName('realname-pattern')).collection('processed_events').deleteOne({ _id: `realname-pattern.submissions:${eventId}` as never }),
    );
    await produce(submissionTopic(platform), [{ key: subjectId, value: original.value }]);

    expect((await reviewer.decide(c.case_id, { decision: 'reject', round: 1, reason_code: 'PHOTO_UNREADABLE', reason: '照片模糊' })).status).toBe(200);
    const afterReject = await eventsWhen(subjectId, (ev) => completedOf(ev).length === 1);
    expect(completedOf(afterReject)).toEqual([
      expect.objectContaining({ verificationId: `${c.case_id}:1`, method: 'manual-review', state: S.VERIFICATION_STATE_FAILED, resultCode: 'REVIEW.PHOTO_UNREADABLE' }),
    ]);
    expect((await findIdentity(user.partner.app_id, subjectId)).found).toBe(false);

    // Resubmission (same partition, after the redelivery): round 2 is a verification of its own.
    await makeCasePending(platform, user.sid, person, { photos: false });
    const afterResubmit = await eventsWhen(subjectId, (ev) => startedOf(ev).length >= 2);
    expect(startedOf(afterResubmit).map((e) => e.verificationId)).toEqual([`${c.case_id}:1`, `${c.case_id}:2`]);
    expect((await subjectState(subjectId)).latest).toMatchObject({ verificationId: `${c.case_id}:2`, state: S.VERIFICATION_STATE_PROCESSING });

    expect((await reviewer.decide(c.case_id, { decision: 'approve', round: 2 })).status).toBe(200);
    const all = await eventsWhen(subjectId, (ev) => completedOf(ev).length === 2);
    expect(completedOf(all)[1]).toMatchObject({ verificationId: `${c.case_id}:2`, state: S.VERIFICATION_STATE_SUCCEEDED, resultCode: 'OK' });
    // One verification per genuine round: the redelivered submission left none behind.
    expect(startedOf(all)).toHaveLength(2);
    const stored = await withMongo((m) =>
      m.db(platform.dbName('realname-pattern')).collection('verifications').find({ subjectId }).project({ _id: 1, state: 1 }).toArray(),
    );
    expect(stored.map((d) => d._id).sort()).toEqual([`${c.case_id}:1`, `${c.case_id}:2`]);
    expect((await findIdentity(user.partner.app_id, subjectId)).identity).toMatchObject({ verificationId: `${c.case_id}:2`, method: 'manual-review' });
    // Ids and codes only on Kafka.
    const onTheWire = (await readTopic(platform.topic(TOPICS.verification), 1_500)).map((m) => m.value.toString('utf8')).join('\n');
    for (const secret of [person.name, person.idcardNumber, '照片模糊']) expect(onTheWire).not.toContain(secret);
  });

  it('when a second user of the partner is approved with an ID number the first already verified, then the case is approved but the verification fails IDENTITY.CONFLICT', async () => {
    const first = await partnerWithUser(platform, 'holder');
    const secondSid = await mintSession(platform.gatewayUrl, first.partner, 'latecomer');
    const person = { name: '赵敏', idcardNumber: idNumber('110101', '19881111', 125) };
    for (const [sid, expected] of [
      [first.sid, { state: S.VERIFICATION_STATE_SUCCEEDED, resultCode: 'OK' }],
      [secondSid, { state: S.VERIFICATION_STATE_FAILED, resultCode: 'IDENTITY.CONFLICT' }],
    ] as const) {
      const { subjectId } = await subjectOf(platform, sid);
      const { caseNumber } = await makeCasePending(platform, sid, person);
      const c = await reviewer.pendingCase(caseNumber);
      expect((await reviewer.decide(c.case_id, { decision: 'approve', round: 1 })).status).toBe(200);
      await waitForStatus(platform, sid, 2);
      const [completed] = completedOf(await eventsWhen(subjectId, (ev) => completedOf(ev).length === 1));
      expect(completed).toMatchObject({ method: 'manual-review', ...expected });
    }
    // Seed 002 keeps showing the reviewer's verdict; the registry keeps the first holder only.
    expect(await statusOf(platform, secondSid)).toBe(2);
    const { subjectId: latecomer } = await subjectOf(platform, secondSid);
    expect((await findIdentity(first.partner.app_id, latecomer)).found).toBe(false);
  });
});
