/**
 * Delivery guarantees of the event flow on a real broker: poison messages are dead-lettered while
 * the consumer carries on, duplicates have no second effect, and a consumer that was down (or
 * crashed between saving and publishing) catches up without losing anything.
 */
import { randomUUID } from 'node:crypto';
import { review } from '@kyc/contracts';
import { Platform } from '@kyc/dev-platform';
import { decodeEnvelope, dlqOf, encodeEnvelope } from '@kyc/kafka-bus';
import { bootPlatform, eventually, getJson, partnerWithUser, readTopic, withMongo } from '../support/fixtures';
import { infoSubmittedRecord, produce, reviewTopic, subjectOf, submissionTopic } from '../support/events';
import { idNumber, withWrongCheckDigit } from '../support/identities';

let platform: Platform;
beforeAll(async () => {
  platform = await bootPlatform('delivery');
});
afterAll(async () => {
  await platform?.stop();
});

const statusOf = async (sid: string): Promise<number> =>
  (await getJson(`${platform.gatewayUrl}/user/validate/fetch_info/?user_sid=${encodeURIComponent(sid)}`)).response.validate_obj
    .validate_status;

const reviewEventsFor = async (subjectId: string) =>
  (await readTopic(reviewTopic(platform))).filter((m) => m.key === subjectId).map((m) => decodeEnvelope(m.value));

describe('event delivery', () => {
  it('when a poison message arrives, then it is dead-lettered and the next message is still processed', async () => {
    const { sid } = await partnerWithUser(platform, 'after-poison');
    const subject = await subjectOf(platform, sid);
    const poisonKey = `poison-${randomUUID()}`;
    const unsealable = infoSubmittedRecord(platform, { ...subject, name: '赵六', idcardNumber: idNumber() });
    // Same envelope, payload bytes corrupted: decodes as an envelope but its sealed identity cannot be opened.
    const corrupted = decodeEnvelope(unsealable.value);
    await produce(submissionTopic(platform), [
      { key: poisonKey, value: Buffer.from('definitely not a protobuf envelope \u0000\u00ff') },
      { key: subject.subjectId, value: encodeEnvelope({ ...corrupted, payload: Buffer.from([10, 1, 120]) }) },
      infoSubmittedRecord(platform, { ...subject, name: '赵六', idcardNumber: idNumber() }),
    ]);
    await eventually(async () => ((await statusOf(sid)) === 1 ? true : undefined));

    const dead = await readTopic(dlqOf(submissionTopic(platform)));
    const codes = dead.map((m) => m.headers['x-error-code']);
    expect(codes).toContain('KYC.EVENT.UNDECODABLE');
    expect(dead.find((m) => m.key.startsWith(submissionTopic(platform)))?.headers['x-original-topic']).toBe(submissionTopic(platform));
    expect(dead.some((m) => m.headers['x-error-code'] !== 'KYC.EVENT.UNDECODABLE')).toBe(true);
  });

  it('when the same event is delivered twice, then it has one effect (one refusal, one notification)', async () => {
    const { sid } = await partnerWithUser(platform, 'duplicate');
    const subject = await subjectOf(platform, sid);
    // An ID number that fails validation makes realname-pattern emit SubmissionRefused, which the
    // notifier turns into a partner notification: a double delivery would show as two of each.
    const record = infoSubmittedRecord(platform, { ...subject, name: '钱七', idcardNumber: withWrongCheckDigit(idNumber()) });
    await produce(submissionTopic(platform), [record]);
    await produce(submissionTopic(platform), [record]);

    const refusals = await eventually(async () => {
      const events = (await reviewEventsFor(subject.subjectId)).filter((e) => e.type === 'kyc.review.v1.SubmissionRefused');
      return events.length > 0 ? events : undefined;
    });
    await new Promise((r) => setTimeout(r, 1_500)); // give a second delivery time to show up
    const again = (await reviewEventsFor(subject.subjectId)).filter((e) => e.type === 'kyc.review.v1.SubmissionRefused');
    expect(again).toHaveLength(1);
    expect(review.SubmissionRefused.decode(refusals[0].payload).reasonCode).toBe('KYC.IDENTITY.INVALID_CHECK_DIGIT');
    const notifications = await eventually(async () => {
      const n = await withMongo((c) =>
        c.db(platform.dbName('notifier')).collection('notifications').countDocuments({ subjectId: subject.subjectId }),
      );
      return n > 0 ? n : undefined;
    });
    expect(notifications).toBe(1);
    expect(await statusOf(sid)).toBe(0);
  });

  it('when a poison message reaches the review topic, then the notifier dead-letters it and still queues the next outcome', async () => {
    const { sid } = await partnerWithUser(platform, 'notifier-poison');
    const subject = await subjectOf(platform, sid);
    await produce(reviewTopic(platform), [{ key: subject.subjectId, value: Buffer.from('not an envelope') }]);
    await produce(submissionTopic(platform), [
      infoSubmittedRecord(platform, { ...subject, name: '吴十', idcardNumber: withWrongCheckDigit(idNumber()) }),
    ]);
    const queued = await eventually(async () => {
      const n = await withMongo((c) =>
        c.db(platform.dbName('notifier')).collection('notifications').countDocuments({ subjectId: subject.subjectId }),
      );
      return n > 0 ? n : undefined;
    });
    expect(queued).toBe(1);
    const dead = await eventually(async () => {
      const found = (await readTopic(dlqOf(reviewTopic(platform)))).filter(
        (m) => m.headers['x-consumer-group'] === 'notifier.review-outcomes' && m.value.toString() === 'not an envelope',
      );
      return found.length > 0 ? found : undefined;
    });
    expect(dead[0].headers['x-error-code']).toBe('KYC.EVENT.UNDECODABLE');
  });

  it('when realname-pattern is killed and events arrive meanwhile, then after a restart none is lost', async () => {
    const users = await Promise.all([1, 2, 3, 4, 5].map((i) => partnerWithUser(platform, `offline-${i}`)));
    const subjects = await Promise.all(users.map((u) => subjectOf(platform, u.sid)));
    await platform.services['realname-pattern'].stop('SIGKILL');
    await produce(
      submissionTopic(platform),
      subjects.map((s, i) => infoSubmittedRecord(platform, { ...s, name: '孙八', idcardNumber: idNumber('310101', '19790101', i) })),
    );
    await platform.services['realname-pattern'].start();
    for (const u of users) await eventually(async () => ((await statusOf(u.sid)) === 1 ? true : undefined));
  });

  it('when the writer crashed after saving a change but before publishing it, then the restarted relay publishes it', async () => {
    const { sid } = await partnerWithUser(platform, 'outbox');
    const subject = await subjectOf(platform, sid);
    await platform.services['realname-pattern'].stop('SIGKILL');
    const eventId = randomUUID();
    // The state a crash leaves behind: the case saved with its event still queued in the outbox.
    await withMongo((c) =>
      c.db(platform.dbName('realname-pattern')).collection('review_cases').insertOne({
        _id: subject.subjectId as never,
        caseId: 'c-outbox',
        caseNumber: 999_999,
        partnerId: subject.partnerId,
        status: 1,
        appliedEvents: [],
        outboxPending: true,
        outbox: [
          {
            eventId,
            topic: 'kyc.review.v1',
            type: 'kyc.review.v1.CaseSubmitted',
            key: subject.subjectId,
            payload: Buffer.from(review.CaseSubmitted.encode({ caseId: 'c-outbox', subjectId: subject.subjectId, partnerId: subject.partnerId, submittedAt: new Date() }).finish()),
            correlationId: eventId,
            causationId: '',
            occurredAt: new Date(),
          },
        ],
      }),
    );
    await platform.services['realname-pattern'].start();
    const published = await eventually(async () => {
      const events = await reviewEventsFor(subject.subjectId);
      return events.find((e) => e.eventId === eventId);
    });
    expect(published.type).toBe('kyc.review.v1.CaseSubmitted');
    const doc = await withMongo((c) =>
      c.db(platform.dbName('realname-pattern')).collection('review_cases').findOne({ _id: subject.subjectId as never }),
    );
    expect(doc?.outbox).toEqual([]);
    expect(doc?.outboxPending).toBe(false);
  });
});
