import { randomBytes } from 'node:crypto';
import { StsAuthority } from './sts-credentials';

const grant = (expiresAt = new Date(Date.now() + 60_000)) => ({
  subjectId: 'subject-1',
  partnerId: 'partner-1',
  uid: 6,
  prefix: 'auth/6/',
  actions: ['put' as const, 'get' as const],
  expiresAt,
});

describe('STS credentials', () => {
  const sts = new StsAuthority(randomBytes(32));

  it('when minted, then they look like Alibaba STS credentials and the token opens to the grant', () => {
    const c = sts.mint(grant());
    expect(c.accessKeyId).toMatch(/^STS\.[A-Za-z0-9]{25}$/);
    expect(c.accessKeySecret).toBe(sts.secretOf(c.accessKeyId));
    const opened = sts.open(c.securityToken);
    expect(opened).toEqual({ ok: true, grant: expect.objectContaining({ accessKeyId: c.accessKeyId, subjectId: 'subject-1', prefix: 'auth/6/', actions: ['put', 'get'] }) });
  });

  it('when the token does not name the subject in clear, then it cannot be read without the key', () => {
    const c = sts.mint(grant());
    expect(Buffer.from(c.securityToken, 'base64url').toString('latin1')).not.toContain('subject-1');
  });

  it('when a token character is changed, or it comes from another gateway key, then it is invalid', () => {
    const c = sts.mint(grant());
    const i = Math.floor(c.securityToken.length / 2);
    const altered = c.securityToken.slice(0, i) + (c.securityToken[i] === 'A' ? 'B' : 'A') + c.securityToken.slice(i + 1);
    expect(sts.open(altered)).toEqual({ ok: false, reason: 'invalid' });
    expect(new StsAuthority(randomBytes(32)).open(c.securityToken)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('when the expiry has passed, then the token is expired', () => {
    const c = sts.mint(grant(new Date(Date.now() + 1_000)));
    expect(sts.open(c.securityToken, Date.now() + 2_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('when two key ids are minted, then their secrets differ', () => {
    expect(sts.secretOf('STS.a')).not.toBe(sts.secretOf('STS.b'));
  });
});
