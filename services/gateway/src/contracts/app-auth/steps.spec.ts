import { KycError } from '@kyc/core';
import { AppAuthInfo, GatewayPorts } from '../../application/ports';
import { AppRefusal } from './envelope';
import { parseBasicInfo } from './basic-info';
import { submitStep } from './steps';

const session = { subjectId: 's1', partnerId: 'p1', uid: 6, expiresAt: new Date(Date.now() + 60_000) };
/** Ports over an in-memory subject: its draft, its photos (type -> object key) and its case status. */
function world(opts: { info?: AppAuthInfo; photos?: Record<number, string>; status?: number } = {}) {
  let info = opts.info;
  const photos = new Map(Object.entries(opts.photos ?? {}).map(([t, k]) => [Number(t), k]));
  const status = opts.status ?? 0;
  const infoSubmitted = jest.fn(async () => undefined);
  const ports = {
    reviewCases: { current: async () => ({ validateStatus: status, evidenceLocked: status === 1 || status === 2 }) },
    identities: { validateIdNumber: async () => ({ valid: true, reasonCode: '', birthDate: '1949-12-31', gender: 'F' }) },
    appAuthDrafts: {
      find: async () => (info ? { info, updatedAt: new Date() } : undefined),
      save: async (_s: string, _p: string, next: AppAuthInfo) => void (info = next),
    },
    objectStore: {
      objectKeyOf: (_s: unknown, ref: string) => (ref.startsWith('auth/6/') ? { ok: true, key: ref } : { ok: false, reason: 'foreign' }),
    },
    photos: {
      listPhotos: async () => [...photos.keys()].map((photoType) => ({ photoType, photoNumber: 1, objectKey: photos.get(photoType)! })),
      bindObject: async (input: { objectKey: string; photoType: number }) => {
        if (!input.objectKey.endsWith('.jpg')) throw new KycError('KYC.PHOTO.NOT_FOUND', 'no object', { kind: 'not_found' });
        photos.set(input.photoType, input.objectKey);
        return { photoNumber: 1, changed: true };
      },
    },
    submissions: { infoSubmitted },
  } as unknown as GatewayPorts;
  return { ports, photos, infoSubmitted, info: () => info };
}

const step1 = {
  step: 1,
  country: '中国',
  firstName: '张',
  secondName: '三',
  idNumber: '11010519491231002X',
  birthday: '1949-12-31',
  gender: 2,
  isChina: 1,
  currentLocation: 1,
  singnTime: '2015-06-01',
  outofTime: '2035-06-01',
  isAllTime: 0,
};
/** Step 1 as stored (parsing is basic-info.spec's subject). */
const INFO = parseBasicInfo(step1, Date.parse('2026-01-01T00:00:00Z'));

const run = (w: ReturnType<typeof world>, params: Record<string, unknown>) =>
  submitStep(w.ports, session, params, 'c').then(
    () => 200,
    (err: AppRefusal | KycError) => (err instanceof AppRefusal ? err.status : err.code),
  );

describe('seed 001 four steps', () => {
  it('when the steps come in order, then each photo is bound to its type and step 4 submits for document review with the details', async () => {
    const w = world();
    expect(await run(w, step1)).toBe(200);
    expect(await run(w, { step: 2, positiveImages: 'auth/6/front.jpg', isChina: 1 })).toBe(200);
    expect(await run(w, { step: '3', oppositeImages: 'auth/6/back.jpg' })).toBe(200);
    expect(await run(w, { step: 4, handImages: 'auth/6/hand.jpg' })).toBe(200);
    expect(Object.fromEntries(w.photos)).toEqual({ 1: 'auth/6/front.jpg', 2: 'auth/6/back.jpg', 0: 'auth/6/hand.jpg' });
    expect(w.infoSubmitted).toHaveBeenCalledWith(
      expect.objectContaining({
        name: '张三',
        idcardNumber: '11010519491231002X',
        method: 'document-review',
        documentType: 'id-card',
        details: expect.objectContaining({ country: '中国', birthday: '1949-12-31', singnTime: '2015-06-01', outofTime: '2035-06-01' }),
      }),
    );
  });

  it('when a step comes before the one it builds on, then -1005 and nothing is bound', async () => {
    expect(await run(world(), { step: 2, positiveImages: 'auth/6/front.jpg' })).toBe(-1005);
    const w = world({ info: INFO });
    expect(await run(w, { step: 3, oppositeImages: 'auth/6/back.jpg' })).toBe(-1005);
    expect(await run(w, { step: 4, handImages: 'auth/6/hand.jpg' })).toBe(-1005);
    expect(w.photos.size).toBe(0);
    expect(w.infoSubmitted).not.toHaveBeenCalled();
  });

  it('when a step is repeated before submission, then it replaces its own part only', async () => {
    const w = world({ info: INFO, photos: { 1: 'auth/6/front.jpg', 2: 'auth/6/back.jpg' } });
    expect(await run(w, { step: 2, positiveImages: 'auth/6/front-2.jpg' })).toBe(200);
    expect(await run(w, { ...step1, secondName: '四' })).toBe(200);
    expect(w.photos.get(1)).toBe('auth/6/front-2.jpg');
    expect(w.photos.get(2)).toBe('auth/6/back.jpg');
    expect(w.info()?.secondName).toBe('四');
  });

  it('when the submission is under review or approved, then every step is refused (-1003, -1004)', async () => {
    expect(await run(world({ info: INFO, status: 1 }), step1)).toBe(-1003);
    expect(await run(world({ info: INFO, status: 1 }), { step: 2, positiveImages: 'auth/6/front.jpg' })).toBe(-1003);
    expect(await run(world({ info: INFO, status: 2 }), { step: 4, handImages: 'auth/6/hand.jpg' })).toBe(-1004);
  });

  it('when it was rejected, then step 4 alone submits a new round with the photos on file', async () => {
    const w = world({ info: INFO, photos: { 1: 'auth/6/front.jpg', 2: 'auth/6/back.jpg', 0: 'auth/6/hand.jpg' }, status: 3 });
    expect(await run(w, { step: 4, handImages: 'auth/6/hand.jpg' })).toBe(200);
    expect(w.infoSubmitted).toHaveBeenCalledTimes(1);
  });

  it("when an image is another user's, missing, or the field absent, then -1010, -1010 and -1", async () => {
    const w = world({ info: INFO });
    expect(await run(w, { step: 2, positiveImages: 'auth/7/front.jpg' })).toBe(-1010);
    expect(await run(w, { step: 2, positiveImages: 'auth/6/never-uploaded.png' })).toBe('KYC.PHOTO.NOT_FOUND');
    expect(await run(w, { step: 2 })).toBe(-1);
    expect(await run(w, { step: 5 })).toBe(-1);
  });

  it('when a later step says isChina otherwise than step 1, then -1', async () => {
    expect(await run(world({ info: INFO }), { step: 2, positiveImages: 'auth/6/front.jpg', isChina: 0 })).toBe(-1);
  });
});
