/**
 * Seed 002 photo endpoints end to end: submit_photo streams multipart bytes through the gateway
 * into photo-storage over a gRPC client stream; photo-storage sniffs and checks the image,
 * encrypts it into GridFS and publishes kyc.photo.v1 events; fetch_photo streams it back;
 * delete_photo removes it; the review lock holds in the gateway and in photo-storage itself.
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { photo, review } from '@kyc/contracts';
import { Platform } from '@kyc/dev-platform';
import { buildEnvelope, decodeEnvelope, dlqOf, encodeEnvelope, TOPICS } from '@kyc/kafka-bus';
import { bootPlatform, eventually, getJson, partnerWithUser, postJson, readTopic, withMongo } from '../support/fixtures';
import { produce, reviewTopic, subjectOf } from '../support/events';
import { idNumber } from '../support/identities';
import {
  generatedPhotoBody,
  jpegClaiming,
  jpegImage,
  multipart,
  photoForm,
  pngImage,
  textFile,
  truncatedJpeg,
  truncatedPng,
} from '../support/images';

let platform: Platform;
beforeAll(async () => {
  platform = await bootPlatform('photos');
});
afterAll(async () => {
  await platform?.stop();
});

const q = (sid: string, t: number | string) => `user_sid=${encodeURIComponent(sid)}&t_photo=${t}`;

async function submitPhoto(sid: string, t: number | string, form: { body: Buffer; contentType: string }) {
  const res = await fetch(`${platform.gatewayUrl}/user/validate/submit_photo/?${q(sid, t)}`, {
    method: 'POST',
    headers: { 'content-type': form.contentType },
    body: form.body,
  });
  expect(res.status).toBe(200); // the seed carries results in the JSON envelope
  return (await res.json()) as { version: string; response: { result: number; photo_id?: number }; context: null };
}
const resultOf = async (sid: string, t: number | string, form: { body: Buffer; contentType: string }) =>
  (await submitPhoto(sid, t, form)).response.result;
const upload = async (sid: string, t: number, img: Buffer) => {
  const body = await submitPhoto(sid, t, photoForm(img));
  expect(body.response.result).toBe(200);
  return body.response.photo_id!;
};
const fetchPhoto = (sid: string, t: number | string) => fetch(`${platform.gatewayUrl}/user/validate/fetch_photo/?${q(sid, t)}`);
const fetchBytes = async (sid: string, t: number) => {
  const res = await fetchPhoto(sid, t);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
};
const deletePhoto = (sid: string, t: number | string) => getJson(`${platform.gatewayUrl}/user/validate/delete_photo/?${q(sid, t)}`);
const fetchInfo = (sid: string) => getJson(`${platform.gatewayUrl}/user/validate/fetch_info/?user_sid=${encodeURIComponent(sid)}`);

const photoDb = <T>(fn: (db: import('mongodb').Db) => Promise<T>) => withMongo((c) => fn(c.db(platform.dbName('photo-storage'))));
/** Stored blobs versus photos that reference them: equal means nothing is orphaned. */
const blobBalance = () =>
  photoDb(async (db) => {
    const files = await db.collection('photo_blobs').countDocuments();
    const chunkIds = await db.collection('photo_blob_chunks').find({}, { projection: { _id: 1 } }).toArray();
    const chunkOwners = new Set(chunkIds.map((c) => String(c._id).split(':')[0])).size;
    const docs = await db.collection('subject_photos').find().toArray();
    const records = docs.reduce((n, d) => n + Object.values(d.photos ?? {}).filter(Boolean).length, 0);
    return { files, chunkOwners, records };
  });
const balanced = async () => {
  const b = await blobBalance();
  return b.files === b.records && b.chunkOwners === b.records ? b : undefined;
};

/** An evidence-lock change as realname-pattern publishes it; photo-storage applies only these. */
function lockRecord(subject: { subjectId: string; partnerId: string }, locked: boolean, round: number, opts: { eventId?: string; subjectId?: string } = {}) {
  const payload = review.EvidenceLockChanged.encode(
    review.EvidenceLockChanged.fromPartial({ subjectId: opts.subjectId ?? subject.subjectId, partnerId: subject.partnerId, locked, round, changedAt: new Date() }),
  ).finish();
  const env = buildEnvelope({ type: 'kyc.review.v1.EvidenceLockChanged', key: subject.subjectId, eventId: opts.eventId ?? randomUUID(), payload }, 'integration-test');
  return { key: subject.subjectId, value: encodeEnvelope(env) };
}

function caseSubmittedRecord(subject: { subjectId: string; partnerId: string }) {
  const payload = review.CaseSubmitted.encode(review.CaseSubmitted.fromPartial({ caseId: 'c-test', subjectId: subject.subjectId, partnerId: subject.partnerId, submittedAt: new Date() })).finish();
  const env = buildEnvelope({ type: 'kyc.review.v1.CaseSubmitted', key: subject.subjectId, eventId: randomUUID(), payload }, 'integration-test');
  return { key: subject.subjectId, value: encodeEnvelope(env) };
}

/** Resolves once photo-storage has dead-lettered `marker` (a change naming no subject), i.e. got past everything before it on the key. */
const pastMarker = (marker: { value: Buffer }) =>
  eventually(async () => {
    const dead = await readTopic(dlqOf(reviewTopic(platform)));
    return dead.some((m) => m.headers['x-consumer-group'] === 'photo-storage.review-locks' && m.value.equals(marker.value)) ? true : undefined;
  }, 60_000);

const vmHwmKb = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

describe('seed 002 submit_photo / fetch_photo / delete_photo: the seed examples', () => {
  it('when a partner posts a JPEG exactly like the seed example, then result 200 with an Int photo_id in the seed envelope', async () => {
    const { sid } = await partnerWithUser(platform, 'seed-submit');
    const body = await submitPhoto(sid, 1, photoForm(jpegImage(), 'photo.jpg', 'image/jpeg'));
    expect(body).toEqual({ version: '0.1', response: { photo_id: expect.any(Number), result: 200 }, context: null });
    expect(Number.isInteger(body.response.photo_id)).toBe(true);
  });

  it('when a partner fetches an uploaded photo like the seed example, then the same bytes come back as the sniffed type', async () => {
    const { sid } = await partnerWithUser(platform, 'seed-fetch');
    const jpg = jpegImage(400, 300);
    const png = pngImage(120, 90);
    await upload(sid, 0, jpg);
    // Declared as image/jpeg named .jpg, but the bytes are PNG: the answer says what the bytes are.
    expect((await submitPhoto(sid, 1, photoForm(png, 'photo.jpg', 'image/jpeg'))).response.result).toBe(200);

    const res0 = await fetchPhoto(sid, 0);
    expect(res0.status).toBe(200);
    expect(res0.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await res0.arrayBuffer()).equals(jpg)).toBe(true);
    const res1 = await fetchPhoto(sid, 1);
    expect(res1.headers.get('content-type')).toBe('image/png');
    expect(res1.headers.get('content-length')).toBe(String(png.length));
    expect(Buffer.from(await res1.arrayBuffer()).equals(png)).toBe(true);
    expect((await fetchInfo(sid)).response.validate_photos_uploaded).toEqual([0, 1]);
  });

  it('when a partner deletes a photo like the seed example, then result 200 and the photo is gone', async () => {
    const { sid } = await partnerWithUser(platform, 'seed-delete');
    await upload(sid, 1, jpegImage());
    expect(await deletePhoto(sid, 1)).toEqual({ version: '0.1', response: { result: 200 }, context: null });
    expect((await fetchPhoto(sid, 1)).status).toBe(404);
    expect((await fetchInfo(sid)).response.validate_photos_uploaded).toEqual([]);
    // Deleting what is not there is not an error: the partner's intent ("no such photo") holds.
    expect((await deletePhoto(sid, 1)).response.result).toBe(200);
    await eventually(balanced);
  });
});

describe('submit_photo result codes', () => {
  let sid: string;
  beforeAll(async () => {
    ({ sid } = await partnerWithUser(platform, 'codes'));
  });

  it.each([
    ['t_photo is missing', (s: string) => `user_sid=${s}`],
    ['t_photo is 2 (not a photo type)', (s: string) => q(s, 2)],
    ['t_photo is not a number', (s: string) => q(s, 'front')],
    ['user_sid is missing', () => 't_photo=0'],
  ])('when %s, then result 400', async (_what, query) => {
    const form = photoForm(jpegImage());
    const res = await fetch(`${platform.gatewayUrl}/user/validate/submit_photo/?${query(encodeURIComponent(sid))}`, {
      method: 'POST',
      headers: { 'content-type': form.contentType },
      body: form.body,
    });
    expect(await res.json()).toEqual({ version: '0.1', response: { result: 400 }, context: null });
  });

  it('when the body is not multipart (JSON), then result 400', async () => {
    expect((await postJson(`${platform.gatewayUrl}/user/validate/submit_photo/?${q(sid, 0)}`, { v_photo: 'abc' })).response.result).toBe(400);
  });

  it('when the form has no v_photo part, then result 400', async () => {
    expect(await resultOf(sid, 0, multipart([{ name: 'comment', data: 'hello' }]))).toBe(400);
  });

  it('when the image is sent under another field name, then result 400', async () => {
    expect(await resultOf(sid, 0, multipart([{ name: 'photo', filename: 'photo.jpg', contentType: 'image/jpeg', data: jpegImage() }]))).toBe(400);
  });

  it('when two files are sent in one request, then result 400 and neither is stored', async () => {
    const { sid: two } = await partnerWithUser(platform, 'two-files');
    const form = multipart([
      { name: 'v_photo', filename: 'a.jpg', contentType: 'image/jpeg', data: jpegImage(100, 100, { seed: 1 }) },
      { name: 'v_photo', filename: 'b.jpg', contentType: 'image/jpeg', data: jpegImage(100, 100, { seed: 2 }) },
    ]);
    expect(await resultOf(two, 0, form)).toBe(400);
    expect((await fetchPhoto(two, 0)).status).toBe(404);
  });

  it('when v_photo is sent as a plain text field instead of a file, then result 400', async () => {
    expect(await resultOf(sid, 0, multipart([{ name: 'v_photo', data: 'not a file part' }]))).toBe(400);
  });

  it('when the user_sid is unknown, then result 404', async () => {
    expect(await resultOf('no-such-session', 0, photoForm(jpegImage()))).toBe(404);
  });

  it.each([
    ['a text file named photo.jpg', () => photoForm(textFile(), 'photo.jpg', 'image/jpeg')],
    ['a truncated JPEG (no EOI)', () => photoForm(truncatedJpeg(jpegImage(300, 200)))],
    ['a PNG cut before IEND', () => photoForm(truncatedPng(pngImage()), 'photo.png', 'image/png')],
    ['zero bytes', () => photoForm(Buffer.alloc(0))],
    ['a JPEG claiming to be 10001 px wide', () => photoForm(jpegClaiming(10_001, 600))],
    ['a JPEG of 8 x 8 px', () => photoForm(jpegImage(8, 8))],
  ])('when the upload is %s, then result 403 and nothing is stored', async (_what, form) => {
    const { sid: s } = await partnerWithUser(platform, `bad-${_what}`);
    expect(await resultOf(s, 0, form())).toBe(403);
    expect((await fetchPhoto(s, 0)).status).toBe(404);
    expect((await fetchInfo(s)).response.validate_photos_uploaded).toEqual([]);
  });

  it('when a 50 MB body is streamed, then result 403 long before the body is sent, and the gateway did not buffer it', async () => {
    const { sid: s } = await partnerWithUser(platform, 'huge');
    const gatewayPid = platform.services.gateway.pid!;
    const total = 50 * 1024 * 1024;
    const gen = generatedPhotoBody(total);
    const res = await fetch(`${platform.gatewayUrl}/user/validate/submit_photo/?${q(s, 0)}`, {
      method: 'POST',
      headers: { 'content-type': gen.contentType },
      body: gen.stream,
      duplex: 'half',
    } as RequestInit);
    expect(await res.json()).toEqual({ version: '0.1', response: { result: 403 }, context: null });
    expect(res.headers.get('connection')).toBe('close');
    // The gateway stopped reading: the client never had to produce most of the 50 MB.
    expect(gen.pulled()).toBeLessThan(total / 2);
    // Peak memory of the gateway process stays far below the body size.
    expect(vmHwmKb(gatewayPid) * 1024).toBeLessThan(300 * 1024 * 1024);
    // The gateway is still serving, and nothing was stored.
    expect((await fetchPhoto(s, 0)).status).toBe(404);
    await eventually(balanced);
  });

  it('when Content-Length already declares more than the limit, then result 403 after reading almost none of the body', async () => {
    const { sid: s } = await partnerWithUser(platform, 'declared-huge');
    const http = await import('node:http');
    const declared = 30 * 1024 * 1024;
    const answer = await new Promise<{ result: number; connection?: string }>((resolve, reject) => {
      const req = http.request(`${platform.gatewayUrl}/user/validate/submit_photo/?${q(s, 0)}`, {
        method: 'POST',
        headers: { 'content-type': photoForm(Buffer.alloc(0)).contentType, 'content-length': String(declared) },
      });
      req.on('response', (r) => {
        let text = '';
        r.on('data', (d) => (text += d));
        r.on('end', () => {
          req.destroy();
          resolve({ result: JSON.parse(text).response.result, connection: r.headers.connection });
        });
      });
      req.on('error', reject);
      req.write(Buffer.alloc(1024)); // 1 KiB of the announced 30 MiB, then wait for the answer
    });
    expect(answer).toEqual({ result: 403, connection: 'close' });
  });

  it('when the case was submitted for review, then upload and delete get 401 but the photos can still be fetched', async () => {
    const { sid: s } = await partnerWithUser(platform, 'locked');
    const hand = jpegImage(300, 300, { seed: 7 });
    await upload(s, 0, hand);
    await upload(s, 1, jpegImage(300, 200, { seed: 8 }));
    expect((await postJson(`${platform.gatewayUrl}/user/validate/submit_info/`, { data: { user_sid: s, name: '周九', idcard_number: idNumber() } })).response.result).toBe(200);
    await eventually(async () => ((await fetchInfo(s)).response.validate_obj.validate_status === 1 ? true : undefined));

    expect(await submitPhoto(s, 0, photoForm(jpegImage()))).toEqual({ version: '0.1', response: { result: 401 }, context: null });
    expect(await deletePhoto(s, 1)).toEqual({ version: '0.1', response: { result: 401 }, context: null });
    expect((await fetchBytes(s, 0)).equals(hand)).toBe(true);
    expect((await fetchInfo(s)).response.validate_photos_uploaded).toEqual([0, 1]);
  });
});

describe('fetch_photo and delete_photo result codes', () => {
  it('when fetch_photo has a bad t_photo or no user_sid, then HTTP 400', async () => {
    const { sid } = await partnerWithUser(platform, 'fetch-400');
    expect((await fetchPhoto(sid, 7)).status).toBe(400);
    expect((await fetchPhoto(sid, '')).status).toBe(400);
    expect((await fetch(`${platform.gatewayUrl}/user/validate/fetch_photo/?t_photo=0`)).status).toBe(400);
  });

  it('when fetch_photo has an unknown user_sid, then HTTP 401 (the seed uses 401 for user_sid errors here)', async () => {
    expect((await fetchPhoto('no-such-session', 0)).status).toBe(401);
  });

  it('when the photo was never uploaded, then fetch_photo answers HTTP 404', async () => {
    const { sid } = await partnerWithUser(platform, 'fetch-404');
    expect((await fetchPhoto(sid, 0)).status).toBe(404);
  });

  it('when delete_photo has a bad t_photo or no user_sid, then result 400; an unknown user_sid, then 404', async () => {
    const { sid } = await partnerWithUser(platform, 'delete-codes');
    expect((await deletePhoto(sid, 3)).response).toEqual({ result: 400 });
    expect((await getJson(`${platform.gatewayUrl}/user/validate/delete_photo/?t_photo=0`)).response).toEqual({ result: 400 });
    expect((await deletePhoto('no-such-session', 0)).response).toEqual({ result: 404 });
  });
});

describe('photo behaviour a partner relies on', () => {
  it('when the same photo type is uploaded again, then the new photo replaces the old one and the old bytes are gone', async () => {
    const { sid } = await partnerWithUser(platform, 'replace');
    const first = jpegImage(200, 200, { seed: 11 });
    const second = pngImage(180, 120, 12);
    const id1 = await upload(sid, 0, first);
    const id2 = await upload(sid, 0, second);
    expect(id2).not.toBe(id1);
    const back = await fetchPhoto(sid, 0);
    expect(back.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await back.arrayBuffer()).equals(second)).toBe(true);
    expect((await fetchInfo(sid)).response.validate_photos_uploaded).toEqual([0]);
    await eventually(balanced);
  });

  it('when 20 uploads run at once, then all succeed with distinct photo_ids and every user gets back their own photo', async () => {
    const users = await Promise.all(Array.from({ length: 10 }, (_, i) => partnerWithUser(platform, `crowd-${i}`)));
    const jobs = users.flatMap((u, i) => [0, 1].map((t) => ({ sid: u.sid, t, img: jpegImage(256, 192, { seed: i * 2 + t, noise: 40 }) })));
    const bodies = await Promise.all(jobs.map((j) => submitPhoto(j.sid, j.t, photoForm(j.img))));
    expect(bodies.map((b) => b.response.result)).toEqual(Array(20).fill(200));
    expect(new Set(bodies.map((b) => b.response.photo_id)).size).toBe(20);
    for (const j of jobs) expect((await fetchBytes(j.sid, j.t)).equals(j.img)).toBe(true);
  });

  it('when one user uploads the same type several times at once, then each gets its own photo_id and exactly one photo remains', async () => {
    const { sid } = await partnerWithUser(platform, 'same-type-race');
    const imgs = [1, 2, 3, 4, 5].map((seed) => jpegImage(120, 120, { seed }));
    const ids = await Promise.all(imgs.map((img) => upload(sid, 1, img)));
    expect(new Set(ids).size).toBe(5);
    const kept = await fetchBytes(sid, 1);
    expect(imgs.some((img) => img.equals(kept))).toBe(true);
    await eventually(balanced);
  });

  it("when one user's user_sid is used for another user's photo, then only their own photos are ever visible", async () => {
    const alice = await partnerWithUser(platform, 'alice');
    const bob = await partnerWithUser(platform, 'bob');
    const alicePhoto = jpegImage(200, 150, { seed: 21 });
    await upload(alice.sid, 0, alicePhoto);
    expect((await fetchPhoto(bob.sid, 0)).status).toBe(404);
    expect((await deletePhoto(bob.sid, 0)).response.result).toBe(200); // deletes bob's (absent) photo, not alice's
    expect((await fetchBytes(alice.sid, 0)).equals(alicePhoto)).toBe(true);
    const bobPhoto = jpegImage(200, 150, { seed: 22 });
    await upload(bob.sid, 0, bobPhoto);
    expect((await fetchBytes(bob.sid, 0)).equals(bobPhoto)).toBe(true);
    expect((await fetchBytes(alice.sid, 0)).equals(alicePhoto)).toBe(true);
  });

  it('when a photo is stored, then MongoDB holds only ciphertext: the raw stored chunks do not contain the image bytes', async () => {
    const { sid } = await partnerWithUser(platform, 'at-rest');
    const img = jpegImage(320, 240, { seed: 31, noise: 60 });
    await upload(sid, 0, img);
    const { subjectId } = await subjectOf(platform, sid);
    const stored = await photoDb(async (db) => {
      const doc = await db.collection('subject_photos').findOne({ _id: subjectId as never });
      const { fileId, chunks } = doc!.photos.t0;
      const parts: Buffer[] = [];
      for (let n = 0; n < chunks; n++) {
        const chunk = await db.collection('photo_blob_chunks').findOne({ _id: `${fileId.toHexString()}:${n}` as never });
        parts.push(Buffer.from(chunk!.data.buffer));
      }
      return { doc, bytes: Buffer.concat(parts) };
    });
    expect(stored.bytes.length).toBe(img.length); // AES-GCM: same length, different bytes
    expect(stored.bytes.equals(img)).toBe(false);
    expect(stored.bytes.includes(img.subarray(0, 16))).toBe(false); // no SOI/JFIF header
    for (const at of [200, img.length >> 1, img.length - 40]) expect(stored.bytes.includes(img.subarray(at, at + 24))).toBe(false);
    expect(stored.doc!.photos.t0).toMatchObject({ contentType: 'image/jpeg', width: 320, height: 240, keyId: 'mk1' });
  });

  it('when photos change, then kyc.photo.v1 carries PhotoStored / PhotoDeleted with ids only', async () => {
    const { sid } = await partnerWithUser(platform, 'events');
    const img = jpegImage(100, 100, { seed: 41 });
    const id1 = await upload(sid, 1, img);
    const id2 = await upload(sid, 1, jpegImage(100, 100, { seed: 42 }));
    await deletePhoto(sid, 1);
    const { subjectId } = await subjectOf(platform, sid);
    const events = await eventually(async () => {
      const recs = (await readTopic(platform.topic(TOPICS.photo))).filter((m) => m.key === subjectId);
      return recs.length >= 3 ? recs : undefined;
    });
    const decoded = events.map((m) => decodeEnvelope(m.value));
    expect(decoded.map((e) => e.type)).toEqual(['kyc.photo.v1.PhotoStored', 'kyc.photo.v1.PhotoStored', 'kyc.photo.v1.PhotoDeleted']);
    expect(photo.PhotoStored.decode(decoded[1].payload)).toMatchObject({ subjectId, photoType: 1, photoNumber: id2, replacedPhotoNumber: id1, contentType: 'image/jpeg' });
    expect(photo.PhotoDeleted.decode(decoded[2].payload)).toMatchObject({ subjectId, photoType: 1, photoNumber: id2 });
    for (const m of events) {
      expect(m.value.includes(img.subarray(0, 64))).toBe(false);
      expect(m.value.includes(Buffer.from(sid))).toBe(false);
    }
  });

  it('when photo-storage learns of a lock before realname-pattern answers the gateway, then it refuses changes itself; an unlock reopens them; a duplicate or an older round changes nothing', async () => {
    const { sid } = await partnerWithUser(platform, 'own-lock');
    const subject = await subjectOf(platform, sid);
    await upload(sid, 0, jpegImage());
    // realname-pattern knows no case for this subject, so the gateway's own check passes.
    const locked = lockRecord(subject, true, 1);
    await produce(reviewTopic(platform), [locked]);
    await eventually(async () => ((await resultOf(sid, 0, photoForm(jpegImage(64, 64)))) === 401 ? true : undefined));
    expect((await deletePhoto(sid, 0)).response.result).toBe(401);

    await produce(reviewTopic(platform), [lockRecord(subject, false, 1)]);
    await eventually(async () => ((await resultOf(sid, 0, photoForm(jpegImage(64, 64)))) === 200 ? true : undefined));
    // The same lock delivered again must not lock the subject a second time; a marker behind it on
    // the same key (a change naming no subject, which is dead-lettered) shows when it got past it.
    const marker = lockRecord(subject, true, 1, { subjectId: '' });
    await produce(reviewTopic(platform), [locked, marker]);
    await pastMarker(marker);
    expect(await resultOf(sid, 0, photoForm(jpegImage(64, 64)))).toBe(200);

    // A lock of round 1 arriving after round 2's unlock is older: ignored.
    const marker2 = lockRecord(subject, true, 1, { subjectId: '' });
    await produce(reviewTopic(platform), [lockRecord(subject, false, 2), lockRecord(subject, true, 1), marker2]);
    await pastMarker(marker2);
    expect(await resultOf(sid, 0, photoForm(jpegImage(64, 64)))).toBe(200);
  });

  it('when only CaseSubmitted reaches photo-storage, then photos stay open: the lock is what EvidenceLockChanged says', async () => {
    const { sid } = await partnerWithUser(platform, 'case-only');
    const subject = await subjectOf(platform, sid);
    const marker = lockRecord(subject, true, 1, { subjectId: '' });
    await produce(reviewTopic(platform), [caseSubmittedRecord(subject), marker]);
    await pastMarker(marker);
    expect(await resultOf(sid, 0, photoForm(jpegImage(64, 64)))).toBe(200);
  });

  it('when a poison message reaches photo-storage on kyc.review.v1, then it is dead-lettered and the next event still applies', async () => {
    const { sid } = await partnerWithUser(platform, 'poison');
    const subject = await subjectOf(platform, sid);
    await produce(reviewTopic(platform), [
      { key: subject.subjectId, value: encodeEnvelope({ ...decodeEnvelope(lockRecord(subject, true, 1).value), payload: Buffer.from([0x0a, 0xff]) }) },
      lockRecord(subject, true, 1),
    ]);
    await eventually(async () => ((await resultOf(sid, 1, photoForm(jpegImage(64, 64)))) === 401 ? true : undefined));
    const dead = await eventually(async () => {
      const d = (await readTopic(dlqOf(reviewTopic(platform)))).filter((m) => m.headers['x-consumer-group'] === 'photo-storage.review-locks');
      return d.length > 0 ? d : undefined;
    });
    expect(dead[0].headers['x-original-topic']).toBe(reviewTopic(platform));
  });

  it('when photos were uploaded, then no log line contains a user_sid', async () => {
    const { sid } = await partnerWithUser(platform, 'log-check');
    await upload(sid, 0, jpegImage());
    await fetchBytes(sid, 0);
    await deletePhoto(sid, 0);
    const logs = platform.readLogs();
    expect(logs).not.toContain(sid);
    expect(logs).toContain('photo stored');
  });
});

describe('when photo-storage is down', () => {
  it('then submit_photo and delete_photo answer result 500 and fetch_photo HTTP 500; after it is back, photos work again', async () => {
    const { sid } = await partnerWithUser(platform, 'outage');
    const img = jpegImage(100, 100, { seed: 51 });
    await upload(sid, 0, img);
    await platform.services['photo-storage'].stop();
    try {
      expect(await resultOf(sid, 1, photoForm(jpegImage()))).toBe(500);
      expect((await fetchPhoto(sid, 0)).status).toBe(500);
      expect((await deletePhoto(sid, 0)).response.result).toBe(500);
    } finally {
      await platform.services['photo-storage'].start();
    }
    await eventually(async () => ((await fetchPhoto(sid, 0)).status === 200 ? true : undefined), 30_000, 500);
    expect((await fetchBytes(sid, 0)).equals(img)).toBe(true);
  });
});
