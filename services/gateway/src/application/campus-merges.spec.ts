import { answerTaken, canonicalJson, checkMerge, MERGE_ATTEMPT_TTL_MS, MERGE_REFUSALS, NO_MERGE_FEATURE } from './campus-merges';
import { PartnerView, SessionView, SubjectsPort, UserMergesPort } from './ports';

const session: SessionView = { subjectId: 'new', uid: 8, partnerId: 'p1', expiresAt: new Date('2030-01-01') };
const partner = (features: string[] = ['campus-auth']): PartnerView => ({ appId: 'p1', name: 'P', active: true, features, callbackUrl: '' });
const now = new Date('2026-01-01T00:00:00Z');
const proved = { idNumber: '410102198504120315', mobile: '' };
const authInfo = { name: '刘大宝', identityNo: '410102198504120315', outid: '150940' };

function ports(over: Partial<UserMergesPort> = {}, uid: number | null = 7) {
  const userMerges = {
    holderOf: jest.fn(async () => 'old' as string | undefined),
    maskedMobileOf: jest.fn(async () => '180******11' as string | undefined),
    keepAttempt: jest.fn(async () => undefined),
    findAttempt: jest.fn(async () => ({ holderSubjectId: 'old', authInfoMatches: true, mergeTicket: undefined as string | undefined })),
    recordMerge: jest.fn(async () => undefined),
    ...over,
  };
  const subjects = { uidOf: jest.fn(async () => uid ?? undefined) } as unknown as SubjectsPort;
  return { userMerges, subjects };
}

const answer = (p: ReturnType<typeof ports> | { subjects: SubjectsPort }, features?: string[]) =>
  answerTaken(p, { partner: partner(features), session, pattern: 'IMPORT', proved, authInfo }, now);

describe('answerTaken (seed 003 409/410)', () => {
  it('when the holder has a verified mobile, then merging is offered with its masked mobile and guid, and the attempt is kept until it expires', async () => {
    const p = ports();
    await expect(answer(p)).resolves.toEqual({ offer: true, mobileNo: '180******11', guid: '7' });
    expect(p.userMerges.holderOf).toHaveBeenCalledWith('p1', 'new', proved);
    expect(p.userMerges.keepAttempt).toHaveBeenCalledWith({
      partnerId: 'p1',
      subjectId: 'new',
      holderSubjectId: 'old',
      pattern: 'IMPORT',
      authInfo,
      expiresAt: new Date(now.getTime() + MERGE_ATTEMPT_TTL_MS),
    });
  });

  it('when the holder has no verified mobile, then no merge is offered (410) and nothing is kept', async () => {
    const p = ports({ maskedMobileOf: jest.fn(async () => undefined) });
    await expect(answer(p)).resolves.toEqual({ offer: false });
    expect(p.userMerges.keepAttempt).not.toHaveBeenCalled();
  });

  it('when the partner turned merging off, then no merge is offered and the holder is not even looked up', async () => {
    const p = ports();
    await expect(answer(p, ['campus-auth', NO_MERGE_FEATURE])).resolves.toEqual({ offer: false });
    expect(p.userMerges.holderOf).not.toHaveBeenCalled();
  });

  it('when the platform offers no merging, then no merge is offered', async () => {
    await expect(answer({ subjects: ports().subjects })).resolves.toEqual({ offer: false });
  });

  it('when no other user holds it any more (or the holder is unknown to the gateway), then no merge is offered', async () => {
    await expect(answer(ports({ holderOf: jest.fn(async () => undefined) }))).resolves.toEqual({ offer: false });
    await expect(answer(ports({ holderOf: jest.fn(async () => 'new') }))).resolves.toEqual({ offer: false });
    await expect(answer(ports({}, null))).resolves.toEqual({ offer: false });
  });
});

describe('checkMerge (MERGE and its code)', () => {
  const check = (p: ReturnType<typeof ports>, oldGuid = '7', features?: string[], info: unknown = authInfo) =>
    checkMerge(p, { partner: partner(features), session, oldGuid, authInfo: info });

  it('when the 409 attempt names the holder of oldGuid and authInfo is its own, then the merge may go on from that holder', async () => {
    const p = ports();
    await expect(check(p)).resolves.toEqual({ ok: true, holderSubjectId: 'old', mergeTicket: undefined });
    expect(p.userMerges.findAttempt).toHaveBeenCalledWith('p1', 'new', authInfo);
  });

  it('when oldGuid is not the 409 holder, or there is no live 409 attempt, then it is refused', async () => {
    await expect(check(ports(), '8')).resolves.toEqual(MERGE_REFUSALS.notHolder);
    await expect(check(ports({ findAttempt: jest.fn(async () => undefined) }))).resolves.toEqual(MERGE_REFUSALS.notHolder);
  });

  it('when authInfo is not the 409 attempt\'s, then it is refused; asking for the code (no authInfo) is not', async () => {
    const p = ports({ findAttempt: jest.fn(async () => ({ holderSubjectId: 'old', authInfoMatches: false })) });
    await expect(check(p)).resolves.toEqual(MERGE_REFUSALS.authInfoChanged);
    await expect(checkMerge(p, { partner: partner(), session, oldGuid: '7' })).resolves.toMatchObject({ ok: true });
  });

  it('when merging is off for the partner, then 410', async () => {
    await expect(check(ports(), '7', [NO_MERGE_FEATURE])).resolves.toEqual({ ok: false, code: 410, message: '当前认证信息已被占用，请联系人工客服' });
  });
});

describe('canonicalJson', () => {
  it('when two values differ only in key order, then their texts are equal; a changed value changes the text', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, '2'], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, '2'] }, b: 1 }));
    expect(canonicalJson({ a: '150940' })).not.toBe(canonicalJson({ a: 150940 }));
  });
});
