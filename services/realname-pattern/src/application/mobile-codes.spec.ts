import { createHash } from 'node:crypto';
import { StoredMobileCode } from '../domain/mobile-code';
import { MobileCodeCrypto, MobileCodeRequested, MobileCodes, MobileCodeStore } from './mobile-codes';

const RULES = { ttlMs: 300_000, maxAttempts: 3, resendAfterMs: 60_000, rateWindowMs: 3_600_000, maxPerNumber: 3, maxPerSubject: 4 };
const MOBILE = '13800138000';
const USER = { partnerId: 'p1', subjectId: 's1' };

/** What the store keeps, in memory, with the same conditions as the Mongo repository. */
function memoryStore() {
  const codes: StoredMobileCode[] = [];
  const events: MobileCodeRequested[] = [];
  const latest = (pick: (c: StoredMobileCode) => boolean) => codes.filter(pick).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  const store: MobileCodeStore = {
    countSince: async (f, since) =>
      codes.filter((c) => c.createdAt > since && ('mobileIndex' in f ? c.mobileIndex === f.mobileIndex : c.partnerId === f.partnerId && c.subjectId === f.subjectId)).length,
    latestToNumber: async (mobileIndex) => latest((c) => c.mobileIndex === mobileIndex),
    latestFor: async (partnerId, subjectId, mobileIndex) => latest((c) => c.partnerId === partnerId && c.subjectId === subjectId && c.mobileIndex === mobileIndex && !c.purpose),
    latestForPurpose: async (partnerId, subjectId, purpose) => latest((c) => c.partnerId === partnerId && c.subjectId === subjectId && c.purpose === purpose),
    insert: async (code, event) => void (codes.push({ ...code }), events.push(event)),
    countAttempt: async (id, max) => {
      const c = codes.find((x) => x.id === id)!;
      if (c.usedAt || c.attempts >= max) return false;
      c.attempts += 1;
      return true;
    },
    consume: async (id, now) => {
      const c = codes.find((x) => x.id === id)!;
      if (c.usedAt) return false;
      c.usedAt = now;
      return true;
    },
  };
  return { store, codes, events };
}

const crypto: MobileCodeCrypto = {
  mobileIndex: (m) => `idx:${m}`,
  codeHash: (id, code) => createHash('sha256').update(`${id}\n${code}`).digest('hex'),
  seal: (_id, mobile, code) => ({ mobileSealed: Buffer.from(`sealed:${mobile}`), codeSealed: Buffer.from(`sealed:${code}`) }),
};

function setup() {
  let now = new Date('2026-11-23T08:00:00Z');
  const mem = memoryStore();
  const codes = new MobileCodes({ store: mem.store, crypto, rules: RULES, logger: { info: jest.fn() } as never, now: () => now });
  const sentCode = () => mem.events.at(-1)!.codeSealed.toString().replace('sealed:', '');
  return { mem, codes, sentCode, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

describe('mobile codes (seed 003 MOBILE)', () => {
  it('when a code is sent, then only its hash is kept, the event carries it sealed, and the right code is accepted once', async () => {
    const { mem, codes, sentCode } = setup();
    expect(await codes.send({ ...USER, mobile: '+86 138 0013 8000', correlationId: 'c' })).toEqual({ expiresInSeconds: 300, resendInSeconds: 60 });
    const code = sentCode();
    expect(code).toMatch(/^\d{6}$/);
    expect(JSON.stringify(mem.codes)).not.toContain(code);
    expect(mem.codes[0].mobileIndex).toBe(`idx:${MOBILE}`);
    expect(await codes.check({ ...USER, mobile: MOBILE, code })).toEqual({ ok: true, codeId: mem.codes[0].id });
    expect(await codes.check({ ...USER, mobile: MOBILE, code })).toEqual({ ok: false, resultCode: 'MOBILE.NO_CODE' });
  });

  it('when wrong codes use up the attempts, then even the right code is refused', async () => {
    const { codes, sentCode } = setup();
    await codes.send({ ...USER, mobile: MOBILE, correlationId: 'c' });
    const code = sentCode();
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < RULES.maxAttempts; i += 1) expect(await codes.check({ ...USER, mobile: MOBILE, code: wrong })).toEqual({ ok: false, resultCode: 'MOBILE.WRONG_CODE' });
    expect(await codes.check({ ...USER, mobile: MOBILE, code })).toEqual({ ok: false, resultCode: 'MOBILE.TOO_MANY_ATTEMPTS' });
  });

  it('when the code has expired, then it is refused; another user or number has no code', async () => {
    const { codes, sentCode, advance } = setup();
    await codes.send({ ...USER, mobile: MOBILE, correlationId: 'c' });
    const code = sentCode();
    expect(await codes.check({ partnerId: 'p1', subjectId: 's2', mobile: MOBILE, code })).toEqual({ ok: false, resultCode: 'MOBILE.NO_CODE' });
    expect(await codes.check({ ...USER, mobile: '13900139000', code })).toEqual({ ok: false, resultCode: 'MOBILE.NO_CODE' });
    advance(RULES.ttlMs);
    expect(await codes.check({ ...USER, mobile: MOBILE, code })).toEqual({ ok: false, resultCode: 'MOBILE.CODE_EXPIRED' });
  });

  it('when codes are asked for too soon, too often for a number, or too often by a user, then RESOURCE_EXHAUSTED', async () => {
    const { codes, advance } = setup();
    const send = (subjectId: string, mobile = MOBILE) => codes.send({ partnerId: 'p1', subjectId, mobile, correlationId: 'c' });
    await send('s1');
    await expect(send('s2')).rejects.toMatchObject({ code: 'KYC.MOBILE_CODE.RATE_LIMITED', kind: 'resource_exhausted' });
    for (let i = 0; i < RULES.maxPerNumber - 1; i += 1) {
      advance(RULES.resendAfterMs);
      await send(`other-${i}`);
    }
    advance(RULES.resendAfterMs);
    await expect(send('s1')).rejects.toMatchObject({ code: 'KYC.MOBILE_CODE.RATE_LIMITED', message: expect.stringContaining('this number') });
    for (const n of ['13900139000', '13700137000', '13600136000']) await send('s1', n);
    await expect(send('s1', '13500135000')).rejects.toMatchObject({ message: expect.stringContaining('this user') });
    advance(RULES.rateWindowMs);
    await expect(send('s1', '13500135000')).resolves.toMatchObject({ expiresInSeconds: 300 });
  });

  it('when the number is not a mainland mobile, then INVALID_MOBILE and nothing is sent', async () => {
    const { mem, codes } = setup();
    await expect(codes.send({ ...USER, mobile: '12345678901', correlationId: 'c' })).rejects.toMatchObject({ code: 'KYC.MOBILE_CODE.INVALID_MOBILE' });
    expect(mem.events).toEqual([]);
  });

  it('when a code is sent for a purpose (a MERGE), then only a check of that purpose accepts it, not a MOBILE check of the number', async () => {
    const { codes, sentCode } = setup();
    await codes.send({ ...USER, mobile: MOBILE, correlationId: 'c', purpose: 'merge:old' });
    const code = sentCode();
    await expect(codes.check({ ...USER, mobile: MOBILE, code })).resolves.toEqual({ ok: false, resultCode: 'MOBILE.NO_CODE' });
    await expect(codes.checkPurpose({ ...USER, purpose: 'merge:other', code })).resolves.toEqual({ ok: false, resultCode: 'MOBILE.NO_CODE' });
    await expect(codes.checkPurpose({ ...USER, purpose: 'merge:old', code })).resolves.toMatchObject({ ok: true });
    await expect(codes.checkPurpose({ ...USER, purpose: 'merge:old', code })).resolves.toEqual({ ok: false, resultCode: 'MOBILE.NO_CODE' });
  });
});
