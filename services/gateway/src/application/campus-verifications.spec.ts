import { verificationByTicket, verifyAndAwait } from './campus-verifications';
import { GatewayPorts, SessionView, VerificationView } from './ports';

const session: SessionView = { subjectId: 's1', uid: 6, partnerId: 'p1', expiresAt: new Date(Date.now() + 60_000) };
const view = (state: VerificationView['state'], partnerId = 'p1') => ({ verificationId: 'v1', partnerId, state, ticket: 'T1' }) as VerificationView;
const input = { session, method: 'roster-import', claim: { name: '刘大宝', idNumber: '410102198504120315', mobile: '' }, methodInput: { outid: '150940' }, correlationId: 'c' };

function ports(states: VerificationView['state'][]): Pick<GatewayPorts, 'verifications'> {
  const seen = [...states];
  return {
    verifications: {
      start: jest.fn(async () => ({ verification: view(seen.shift()!), created: true, methodOutput: { member: '{}' } })),
      get: jest.fn(async () => view(seen.length > 1 ? seen.shift()! : seen[0])),
      byTicket: jest.fn(async () => ({ verification: view('succeeded', 'p2'), claim: input.claim })),
    } as unknown as GatewayPorts['verifications'],
  };
}

describe('campus verifications', () => {
  it('when the verdict comes in while waiting, then the final verification and the method output are answered', async () => {
    const p = ports(['started', 'processing', 'succeeded']);
    const { verification, methodOutput } = await verifyAndAwait(p, input, { waitMs: 1_000, pollMs: 1 });
    expect(verification.state).toBe('succeeded');
    expect(methodOutput).toEqual({ member: '{}' });
    expect(p.verifications.start).toHaveBeenCalledWith(expect.objectContaining({ subjectId: 's1', partnerId: 'p1', method: 'roster-import', methodInput: { outid: '150940' } }));
  });

  it('when no verdict comes in within the wait, then the open verification is answered (the caller says pending)', async () => {
    const { verification } = await verifyAndAwait(ports(['started', 'processing']), input, { waitMs: 20, pollMs: 5 });
    expect(verification.state).toBe('processing');
  });

  it("when another partner's ticket is asked for, then it is as unknown", async () => {
    const p = ports([]);
    expect(await verificationByTicket(p, 'p1', 'T1')).toBeUndefined();
    expect(await verificationByTicket(p, 'p2', 'T1')).toMatchObject({ verification: { partnerId: 'p2' } });
  });
});
