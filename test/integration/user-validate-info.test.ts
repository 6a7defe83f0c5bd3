/**
 * Seed 002 submit_info / fetch_info end to end: HTTP into the gateway, an event through Kafka,
 * realname-pattern consuming it and asking identity-lookup over gRPC, state in MongoDB, and
 * fetch_info answered over gRPC from the owner.
 */
import { Platform } from '@kyc/dev-platform';
import { bootPlatform, eventually, getJson, partnerWithUser, postJson, withMongo } from '../support/fixtures';
import { idNumber, withWrongCheckDigit } from '../support/identities';
import { uploadEvidencePhotos, uploadPhoto, EVIDENCE_PHOTOS } from '../support/review';

let platform: Platform;
beforeAll(async () => {
  platform = await bootPlatform('info');
});
afterAll(async () => {
  await platform?.stop();
});

const fetchInfo = (sid: string) => getJson(`${platform.gatewayUrl}/user/validate/fetch_info/?user_sid=${encodeURIComponent(sid)}`);
const submitInfo = (data: Record<string, unknown>) => postJson(`${platform.gatewayUrl}/user/validate/submit_info/`, { data });

describe('seed 002 identity info', () => {
  it('when a first-time user fetches info, then status 0 and nothing uploaded, in the seed envelope', async () => {
    const { sid } = await partnerWithUser(platform, 'first-timer');
    const body = await fetchInfo(sid);
    expect(body).toEqual({
      version: '0.1',
      response: {
        result: 200,
        validate_photos_uploaded: [],
        validate_obj: { id: null, name: null, idcard_number: null, validate_status: 0, uid: expect.any(Number) },
      },
      context: null,
    });
  });

  it('when the required photos are not both uploaded, then submit_info answers 400 and nothing is submitted', async () => {
    const { sid } = await partnerWithUser(platform, 'no-photos');
    expect((await submitInfo({ user_sid: sid, name: '张三', idcard_number: idNumber() })).response.result).toBe(400);
    await uploadPhoto(platform, sid, 1, EVIDENCE_PHOTOS[1]);
    expect((await submitInfo({ user_sid: sid, name: '张三', idcard_number: idNumber() })).response.result).toBe(400);
    expect((await fetchInfo(sid)).response.validate_obj.validate_status).toBe(0);
  });

  it('when a user submits valid info, then fetch_info shows it pending review and the database holds it only encrypted', async () => {
    const { sid } = await partnerWithUser(platform, 'submitter');
    await uploadEvidencePhotos(platform, sid);
    const id = idNumber('440305', '19851122');
    expect(await submitInfo({ user_sid: sid, name: '张三', idcard_number: id })).toEqual({
      version: '0.1',
      response: { result: 200 },
      context: null,
    });
    const info = await eventually(async () => {
      const b = await fetchInfo(sid);
      return b.response.validate_obj.validate_status === 1 ? b : undefined;
    });
    expect(info.response.validate_photos_uploaded).toEqual([0, 1]);
    expect(info.response.validate_obj).toEqual({
      id: expect.any(Number),
      name: '张三',
      idcard_number: id,
      validate_status: 1,
      uid: expect.any(Number),
    });

    const raw = await withMongo(async (c) =>
      JSON.stringify(await c.db(platform.dbName('realname-pattern')).collection('review_cases').find().toArray()),
    );
    expect(raw).not.toContain(id);
    expect(raw).not.toContain('张三');
    const logs = platform.readLogs();
    expect(logs).not.toContain(id);
    expect(logs).not.toContain(sid);
  });

  it('when info was submitted, then a second submission is refused with 401 (locked)', async () => {
    const { sid } = await partnerWithUser(platform, 'locker');
    await uploadEvidencePhotos(platform, sid);
    await submitInfo({ user_sid: sid, name: '李四', idcard_number: idNumber() });
    await eventually(async () => ((await fetchInfo(sid)).response.validate_obj.validate_status === 1 ? true : undefined));
    expect((await submitInfo({ user_sid: sid, name: '李四', idcard_number: idNumber() })).response.result).toBe(401);
  });

  it.each([
    ['a wrong check digit', { name: '王五', idcard_number: withWrongCheckDigit(idNumber()) }],
    ['the seed placeholder number', { name: 'xxx', idcard_number: '122222' }],
    ['an impossible birth date', { name: '王五', idcard_number: idNumber('110101', '19900231') }],
    ['a missing name', { idcard_number: idNumber() }],
    ['a name with digits', { name: '王五5', idcard_number: idNumber() }],
  ])('when the request has %s, then result 400 and nothing is stored', async (_what, data) => {
    const { sid } = await partnerWithUser(platform, `bad-${_what}`);
    await uploadEvidencePhotos(platform, sid);
    expect((await submitInfo({ user_sid: sid, ...data })).response.result).toBe(400);
    expect((await fetchInfo(sid)).response.validate_obj.validate_status).toBe(0);
  });

  it('when the user_sid is unknown, then result 404; when it is missing, then 400', async () => {
    expect((await fetchInfo('no-such-session')).response).toEqual({ result: 404 });
    expect((await getJson(`${platform.gatewayUrl}/user/validate/fetch_info/`)).response).toEqual({ result: 400 });
    expect((await submitInfo({ user_sid: 'no-such-session', name: '张三', idcard_number: idNumber() })).response).toEqual({ result: 404 });
  });

  it('when the owner of review cases is down, then fetch_info and submit_info answer 500 in the seed envelope, and recover', async () => {
    const { sid } = await partnerWithUser(platform, 'owner-down');
    await uploadEvidencePhotos(platform, sid);
    await platform.services['realname-pattern'].stop();
    try {
      expect(await fetchInfo(sid)).toEqual({ version: '0.1', response: { result: 500 }, context: null });
      expect((await submitInfo({ user_sid: sid, name: '周九', idcard_number: idNumber() })).response).toEqual({ result: 500 });
    } finally {
      await platform.services['realname-pattern'].start();
    }
    // the breaker closes again once the owner is back
    await eventually(async () => ((await fetchInfo(sid)).response.result === 200 ? true : undefined), 30_000);
  });

  it('when the body is not JSON, then result 400 in the seed envelope', async () => {
    const res = await fetch(`${platform.gatewayUrl}/user/validate/submit_info/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"data": {',
    });
    expect(await res.json()).toEqual({ version: '0.1', response: { result: 400 }, context: null });
  });

  it("when one user's user_sid is used, then only that user's info is visible", async () => {
    const alice = await partnerWithUser(platform, 'alice');
    const bob = await partnerWithUser(platform, 'bob');
    await uploadEvidencePhotos(platform, alice.sid);
    await submitInfo({ user_sid: alice.sid, name: '艾丽斯', idcard_number: idNumber() });
    await eventually(async () => ((await fetchInfo(alice.sid)).response.validate_obj.validate_status === 1 ? true : undefined));
    const bobView = await fetchInfo(bob.sid);
    expect(bobView.response.validate_obj).toMatchObject({ validate_status: 0, name: null, idcard_number: null });
    expect(bobView.response.validate_photos_uploaded).toEqual([]);
  });
});
