/**
 * Partner redaction across every service: a user goes through a full seed 002 verification (photos,
 * manual review, verified identity) and a seed 000 member verification whose callback is still
 * being retried; the partner redacts the user; every service reports its share done, and then
 * nothing of the user is left in any database of the platform: not the name, ID number or phone
 * (in clear), not a record naming the subject, not a byte of the photos. The user reads as unknown
 * everywhere, a second redaction answers the same one, and another partner cannot reach it.
 * Plus the retention sweeper of abandoned seed 001 drafts.
 */
import { createPartner, mintSession, PartnerCredentials, Platform } from '@kyc/dev-platform';
import { MongoClient } from 'mongodb';
import { appCall, appPartner, appUser, idCardStep } from '../support/app-auth';
import { bootPlatform, eventually, withMongo } from '../support/fixtures';
import { idNumber } from '../support/identities';
import { memberStatus, startNotifyReceiver, submitMember } from '../support/member-client';
import { fetchInfo, makeCasePending, newReviewer, uploadEvidencePhotos, waitForStatus } from '../support/review';
import { redactAndWait, redactionProgress, requestRedaction } from '../support/redaction';

jest.setTimeout(300_000);

const SERVICES = ['gateway', 'photo-storage', 'realname-pattern', 'identity-lookup', 'notifier'] as const;
/** Retention of abandoned seed 001 drafts (gateway) and never-submitted photos (photo-storage), tiny here. */
const RETENTION_SECONDS = 15;
/** The gateway's bound on how late an erased session or subject stops answering from its memory. */
const AUTH_CACHE_SECONDS = 1;

let platform: Platform;

beforeAll(async () => {
  platform = await bootPlatform('redaction', {
    ID_AUTHORITY_MODE: 'sandbox',
    CALLBACK_RETRY_SCALE: '0.05',
    DRAFT_RETENTION_SECONDS: String(RETENTION_SECONDS),
    DRAFT_SWEEP_INTERVAL_SECONDS: '1',
    UPLOAD_RETENTION_SECONDS: String(RETENTION_SECONDS),
    UPLOAD_SWEEP_INTERVAL_SECONDS: '1',
    AUTH_CACHE_SECONDS: String(AUTH_CACHE_SECONDS),
  });
});
afterAll(async () => {
  await platform?.stop();
});

/** Every document of every collection of the platform's databases, as text, with where it is. */
async function everyDocument(client: MongoClient): Promise<{ place: string; text: string }[]> {
  const out: { place: string; text: string }[] = [];
  for (const service of SERVICES) {
    const db = client.db(platform.dbName(service));
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      for await (const doc of db.collection(name).find({})) out.push({ place: `${service}.${name}`, text: JSON.stringify(doc) });
    }
  }
  return out;
}

const uniqueHan = () => {
  const base = 0x9b00 + Math.floor(Math.random() * 0x100);
  return `删${String.fromCodePoint(base)}${String.fromCodePoint(base + 1)}`;
};

describe('a partner redacts a user', () => {
  let partner: PartnerCredentials;
  const userId = `red-${Date.now()}`;
  const identity = { name: uniqueHan(), idcardNumber: idNumber('110105', '19850412', 100 + Math.floor(Math.random() * 800)) };
  const phone = `1360${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  let sid: string;
  let controlSid: string;
  let redactionId: string;
  let subjectId: string;
  let photoBlobIds: string[];
  let notify: Awaited<ReturnType<typeof startNotifyReceiver>>;

  beforeAll(async () => {
    partner = await createPartner(platform, 'redaction partner', 'user-validate,member-verify');
    // The partner's endpoint keeps failing, so the user's callback is still queued when it is redacted.
    notify = await startNotifyReceiver([{ status: 500, body: { code: '9999' } }]);
  });
  afterAll(async () => {
    await notify?.close();
  });

  it('when the user is verified with photos and a callback is owed, then every service holds data about them', async () => {
    sid = await mintSession(platform.gatewayUrl, partner, userId);
    const { caseNumber } = await makeCasePending(platform, sid, identity);
    const reviewer = await newReviewer(platform, 'redaction reviewer');
    const c = await reviewer.pendingCase(caseNumber);
    expect((await reviewer.decide(c.case_id, { decision: 'approve', round: 1 })).status).toBe(200);
    await waitForStatus(platform, sid, 2);
    const member = { id: 9001, name: identity.name, identity_card_number: identity.idcardNumber, phone };
    const submitted = await submitMember(platform, partner, { user_id: userId, tx_seq_no: `red${Date.now()}`, notify_url: notify.url, member });
    expect(submitted.body.code).toBe(200);
    await eventually(async () => (notify.received.length > 0 ? true : undefined), 60_000);
    // Another user of the same partner, whose data must stay.
    controlSid = await mintSession(platform.gatewayUrl, partner, `${userId}-control`);
    await uploadEvidencePhotos(platform, controlSid);

    const held = await withMongo(async (client) => {
      const subject = await client.db(platform.dbName('photo-storage')).collection('subject_photos').find({}).toArray();
      return { photoDocs: subject.length, identities: await client.db(platform.dbName('identity-lookup')).collection('verified_identities').countDocuments() };
    });
    expect(held.photoDocs).toBe(2);
    expect(held.identities).toBe(1);
  });

  it('when the partner redacts the user, then it is accepted and every service reports its share done', async () => {
    const accepted = await requestRedaction(platform, partner, userId);
    expect(accepted.status).toBe(202);
    expect(accepted.body.data?.services.map((s) => s.service).sort()).toEqual([...SERVICES].sort());
    redactionId = accepted.body.data!.redaction_id;
    // What the erasure is about to remove, read before it does.
    ({ subjectId, photoBlobIds } = await withMongo(async (client) => {
      const record = await client.db(platform.dbName('gateway')).collection('redactions').findOne({ _id: redactionId as never });
      const photos = await client.db(platform.dbName('photo-storage')).collection('subject_photos').findOne({ _id: record!.subjectId });
      const blobIds = photos ? Object.values(photos.photos as Record<string, { fileId: { toHexString(): string } }>).map((p) => p.fileId.toHexString()) : [];
      return { subjectId: record!.subjectId as string, photoBlobIds: blobIds };
    }));

    const done = await eventually(async () => {
      const p = await redactionProgress(platform, partner, redactionId);
      return p.body.data?.status === 'completed' ? p : undefined;
    }, 60_000, 300);
    expect(done.status).toBe(200);
    expect(done.body.data?.services.every((s) => s.status === 'completed' && s.completed_at)).toBe(true);
    expect(done.body.data?.completed_at).toEqual(expect.any(String));
  });

  it('when every database is read afterwards, then nothing names the subject and its name, ID number, phone and photos are gone', async () => {
    const { docs, blobs, chunks } = await withMongo(async (client) => {
      const photoDb = client.db(platform.dbName('photo-storage'));
      return {
        docs: await everyDocument(client),
        blobs: await photoDb.collection('photo_blobs').find({}).toArray(),
        chunks: await photoDb.collection('photo_blob_chunks').find({}, { projection: { _id: 1 } }).toArray(),
      };
    });
    // The redaction record alone keeps the subject's opaque id, to answer "redacted".
    const naming = docs.filter((d) => d.text.includes(subjectId) && d.place !== 'gateway.redactions').map((d) => d.place);
    expect(naming).toEqual([]);
    for (const value of [identity.name, identity.idcardNumber, phone, userId]) {
      expect(docs.filter((d) => d.text.includes(value)).map((d) => d.place)).toEqual([]);
    }
    expect(photoBlobIds.length).toBe(2);
    const blobIds = blobs.map((b) => String(b._id));
    expect(photoBlobIds.filter((id) => blobIds.includes(id))).toEqual([]);
    expect(chunks.filter((c) => photoBlobIds.some((id) => String(c._id).startsWith(id)))).toEqual([]);
    // The other user's data is untouched.
    expect(docs.filter((d) => d.place === 'photo-storage.subject_photos')).toHaveLength(1);
  });

  it('when the user is read afterwards, then every answer is the one for an unknown user', async () => {
    await new Promise((r) => setTimeout(r, AUTH_CACHE_SECONDS * 1000 + 500));
    const unknownSession = await fetchInfo(platform, 'no-such-session-0000000000000000');
    expect((await fetchInfo(platform, sid)).response).toEqual(unknownSession.response);
    const neverSeen = await memberStatus(platform, partner, { user_id: `never-seen-${Date.now()}` });
    const redacted = await memberStatus(platform, partner, { user_id: userId });
    expect({ status: redacted.status, code: redacted.body.code, message: redacted.body.message }).toEqual({
      status: neverSeen.status,
      code: neverSeen.body.code,
      message: neverSeen.body.message,
    });
    // The callback that was still being retried is gone: no attempt reaches the partner any more.
    const attempts = notify.received.length;
    await new Promise((r) => setTimeout(r, 4_000));
    expect(notify.received.length).toBe(attempts);
    // The other user still reads as before.
    expect((await fetchInfo(platform, controlSid)).response.result).toBe(200);
  });

  it('when the partner redacts the user again, then it answers the same, completed redaction', async () => {
    const again = await requestRedaction(platform, partner, userId);
    expect(again.status).toBe(202);
    expect(again.body.data?.redaction_id).toBe(redactionId);
    expect(again.body.data?.status).toBe('completed');
  });

  it('when another partner names the same user id or the redaction, then it is not found and nothing changes', async () => {
    const other = await createPartner(platform, 'other partner', 'user-validate');
    const refused = await requestRedaction(platform, other, `${userId}-control`);
    expect(refused.status).toBe(404);
    const peek = await redactionProgress(platform, other, redactionId);
    expect(peek.status).toBe(404);
    expect(peek.body.data).toBeNull();
    expect((await fetchInfo(platform, controlSid)).response.result).toBe(200);
  });

  it('when a redaction request is unsigned or names a user the partner never had, then it is refused', async () => {
    const unsigned = await fetch(`${platform.gatewayUrl}/api/platform/redaction`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: userId }),
    });
    expect(unsigned.status).toBe(400);
    expect((await requestRedaction(platform, partner, `never-${Date.now()}`)).status).toBe(404);
  });

  it('when a new session is minted for the redacted user id, then it is a new user with nothing on file', async () => {
    const fresh = await mintSession(platform.gatewayUrl, partner, userId);
    const info = (await fetchInfo(platform, fresh)).response;
    expect(info.result).toBe(200);
    expect(info.validate_obj.validate_status).toBe(0);
    // And it can be redacted in turn: a new redaction.
    const second = await redactAndWait(platform, partner, userId);
    expect(second).not.toBe(redactionId);
  });
});

describe('retention of abandoned drafts and uploads', () => {
  it('when a seed 001 draft and never-submitted photos are older than the retention, then the sweepers erase them and keep fresh ones', async () => {
    const app = await appPartner(platform, 'draft partner');
    const stale = await appUser(platform, app, 'draft-stale');
    expect((await appCall(platform, stale, '/user/authnew', idCardStep(idNumber('440103', '19920229', 301)))).status).toBe(200);
    const uploader = await createPartner(platform, 'upload partner', 'user-validate');
    await uploadEvidencePhotos(platform, await mintSession(platform.gatewayUrl, uploader, 'upload-stale'));
    await new Promise((r) => setTimeout(r, (RETENTION_SECONDS + 1) * 1000));

    const fresh = await appUser(platform, app, 'draft-fresh');
    expect((await appCall(platform, fresh, '/user/authnew', idCardStep(idNumber('440103', '19920229', 302)))).status).toBe(200);
    await uploadEvidencePhotos(platform, await mintSession(platform.gatewayUrl, uploader, 'upload-fresh'));
    const gatewayDb = (client: MongoClient) => client.db(platform.dbName('gateway'));
    const subjectIdOf = (uid: number) => withMongo(async (client) => String((await gatewayDb(client).collection('subjects').findOne({ uid }))!._id));
    const freshUploader = await withMongo(async (client) =>
      String((await gatewayDb(client).collection('subjects').find({ partnerId: uploader.app_id }).sort({ uid: -1 }).limit(1).next())!._id),
    );

    const left = await eventually(async () => {
      const [drafts, photos] = await withMongo((client) =>
        Promise.all([
          gatewayDb(client).collection('app_auth_drafts').find({}, { projection: { _id: 1 } }).toArray(),
          client.db(platform.dbName('photo-storage')).collection('subject_photos').find({}, { projection: { _id: 1 } }).toArray(),
        ]),
      );
      return drafts.length === 1 && photos.length === 1 ? { drafts: drafts.map((d) => String(d._id)), photos: photos.map((p) => String(p._id)) } : undefined;
    }, 8_000, 200);
    expect(left.drafts).toEqual([await subjectIdOf(fresh.uid)]);
    // The redacted user's and the control user's photos above were never submitted either: only the fresh upload is left.
    expect(left.photos).toEqual([freshUploader]);
    const blobs = await withMongo((client) => client.db(platform.dbName('photo-storage')).collection('photo_blobs').countDocuments());
    expect(blobs).toBe(2);
  });
});
