import { KycError } from '@kyc/core';
import { GATEWAY_ERRORS as E } from './errors';
import { deletePhoto, submitIdentityInfo } from './identity-submissions';
import { GatewayPorts, ReviewCaseView } from './ports';

const reviewCase = (over: Partial<ReviewCaseView> = {}): ReviewCaseView => ({
  found: true,
  caseNumber: 1,
  name: '',
  idcardNumber: '',
  validateStatus: 0,
  evidenceLocked: false,
  requiredPhotoTypes: [0, 1],
  ...over,
});

function portsWith(current: ReviewCaseView, uploaded: number[]) {
  const infoSubmitted = jest.fn(async () => undefined);
  const remove = jest.fn(async () => true);
  const ports = {
    sessions: { resolve: async () => ({ subjectId: 's1', partnerId: 'p1', uid: 'u1' }) },
    reviewCases: { current: async () => current },
    photos: { listTypes: async () => uploaded, remove },
    identities: { validateIdNumber: async () => ({ valid: true, reasonCode: '' }) },
    submissions: { infoSubmitted },
  } as unknown as GatewayPorts;
  return { ports, infoSubmitted, remove };
}

const submit = (ports: GatewayPorts) => submitIdentityInfo(ports, { sid: 'sid', name: ' 张三 ', idcardNumber: '11010119900307123x', correlationId: 'c' });
const codeOf = (p: Promise<unknown>) => p.then(() => 'accepted', (err: KycError) => err.code);

describe('manual-review submissions in the gateway', () => {
  it('when realname-pattern says the evidence is locked, then info and photo deletions are refused, whatever the status number', async () => {
    const { ports, infoSubmitted, remove } = portsWith(reviewCase({ evidenceLocked: true, validateStatus: 3 }), [0, 1]);
    expect(await codeOf(submit(ports))).toBe(E.evidenceLocked);
    expect(await codeOf(deletePhoto(ports, 'sid', 0, 'c'))).toBe(E.evidenceLocked);
    expect(infoSubmitted).not.toHaveBeenCalled();
    expect(remove).not.toHaveBeenCalled();
  });

  it('when unlocked and every photo realname-pattern requires is uploaded, then the info is submitted, trimmed and upper-cased', async () => {
    const { ports, infoSubmitted } = portsWith(reviewCase({ validateStatus: 3 }), [1, 0]);
    expect(await codeOf(submit(ports))).toBe('accepted');
    expect(infoSubmitted).toHaveBeenCalledWith(expect.objectContaining({ subjectId: 's1', name: '张三', idcardNumber: '11010119900307123X' }));
  });

  it('when a photo realname-pattern requires is missing, then the submission is refused', async () => {
    const { ports, infoSubmitted } = portsWith(reviewCase({ found: false, requiredPhotoTypes: [0, 1] }), [1]);
    expect(await codeOf(submit(ports))).toBe(E.photosMissing);
    expect(infoSubmitted).not.toHaveBeenCalled();
  });

  it('when realname-pattern requires other photos than before, then the gateway follows it', async () => {
    const { ports } = portsWith(reviewCase({ requiredPhotoTypes: [1] }), [1]);
    expect(await codeOf(submit(ports))).toBe('accepted');
  });
});
