/**
 * Partner-signed session minting (POST /api/platform/session): only a correctly signed, fresh,
 * never-seen request gets a user_sid.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createPartner, findRepoRoot, Platform, signBody } from '@kyc/dev-platform';
import { bootPlatform, credentialCachePassed } from '../support/fixtures';

let platform: Platform;
beforeAll(async () => {
  platform = await bootPlatform('session');
});
afterAll(async () => {
  await platform?.stop();
});

const mint = async (body: Record<string, unknown>) => {
  const res = await fetch(`${platform.gatewayUrl}/api/platform/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { code: number; data: any; message: string } };
};

describe('signed session minting', () => {
  it('when the request is correctly signed, then a user_sid with an expiry is returned', async () => {
    const partner = await createPartner(platform, 'acme');
    const { status, body } = await mint(signBody(partner, { user_id: 'u-1' }));
    expect(status).toBe(200);
    expect(body).toMatchObject({ code: 200, message: 'success', data: { user_sid: expect.any(String), uid: expect.any(Number) } });
    expect(new Date(body.data.expires_at).getTime()).toBeGreaterThan(Date.now());
  });

  it('when the same signed request is sent again, then the replay is refused', async () => {
    const partner = await createPartner(platform, 'replayed');
    const signed = signBody(partner, { user_id: 'u-2' });
    expect((await mint(signed)).body.code).toBe(200);
    expect(await mint(signed)).toEqual({ status: 401, body: { code: 401, data: null, message: '重复的请求' } });
  });

  it('when the timestamp is more than 5 minutes off, then the request is refused', async () => {
    const partner = await createPartner(platform, 'stale');
    const stale = await mint(signBody(partner, { user_id: 'u-3' }, Date.now() - 6 * 60_000));
    expect(stale.body).toEqual({ code: 401, data: null, message: '时间戳已过期' });
    const future = await mint(signBody(partner, { user_id: 'u-3' }, Date.now() + 6 * 60_000));
    expect(future.body.code).toBe(401);
  });

  it('when the signature is wrong or covers other values, then the request is refused', async () => {
    const partner = await createPartner(platform, 'forged');
    const signed = signBody(partner, { user_id: 'u-4' });
    expect((await mint({ ...signed, user_id: 'someone-else' })).body).toEqual({ code: 401, data: null, message: '签名错误' });
    expect((await mint(signBody({ ...partner, app_secret: 'not-the-secret' }, { user_id: 'u-4' }))).body.message).toBe('签名错误');
    expect((await mint(signBody({ ...partner, app_id: '0000000000000000' }, { user_id: 'u-4' }))).body.code).toBe(401);
  });

  it('when signing fields are missing, then 400 in the same shape', async () => {
    expect(await mint({ user_id: 'u-5' })).toMatchObject({ status: 400, body: { code: 400, data: null } });
  });

  it('when a partner lacks the user-validate feature, then it cannot mint sessions (403)', async () => {
    const partner = await createPartner(platform, 'limited', '');
    expect(await mint(signBody(partner, { user_id: 'u-6' }))).toEqual({
      status: 403,
      body: { code: 403, data: null, message: '该应用未开通用户认证功能' },
    });
  });

  it('when an operator asks for an unknown feature, then the CLI refuses and names it', async () => {
    const cli = path.join(findRepoRoot(), 'packages/operator-cli/dist/main.js');
    const bad = promisify(execFile)(process.execPath, [cli, 'partner', 'create', '--name', 'x', '--features', 'time-travel'], {
      env: { ...process.env, ...platform.gatewayEnv },
    });
    await expect(bad).rejects.toThrow(/unknown feature\(s\): time-travel/);
  });

  it('when the secret is rotated, then the old secret stops working and the new one works', async () => {
    const partner = await createPartner(platform, 'rotating');
    const cli = path.join(findRepoRoot(), 'packages/operator-cli/dist/main.js');
    const { stdout } = await promisify(execFile)(process.execPath, [cli, '--json', 'partner', 'rotate-secret', '--app-id', partner.app_id], {
      env: { ...process.env, ...platform.gatewayEnv },
    });
    const rotated = JSON.parse(stdout) as { app_id: string; app_secret: string };
    expect(rotated.app_secret).not.toBe(partner.app_secret);
    // Within the documented bound (AUTH_CACHE_SECONDS) every gateway has read the new secret.
    await credentialCachePassed();
    expect((await mint(signBody(partner, { user_id: 'u-7' }))).body.message).toBe('签名错误');
    expect((await mint(signBody(rotated, { user_id: 'u-7' }))).body.code).toBe(200);
  });
});
