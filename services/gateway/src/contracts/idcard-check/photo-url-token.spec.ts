import { randomBytes } from 'node:crypto';
import { openPhotoToken, photoClaimOfRef, sealPhotoToken } from './photo-url-token';

const key = randomBytes(32);
const now = Date.parse('2024-05-01T00:00:00Z');

describe('photo URL tokens', () => {
  it('opens to the photo it names until it expires, then reports expiry', () => {
    const token = sealPhotoToken(key, { subjectId: 'subj-123', photoType: 1 }, now + 60_000);
    expect(openPhotoToken(key, token, now)).toEqual({ ok: true, claim: { subjectId: 'subj-123', photoType: 1 } });
    expect(openPhotoToken(key, token, now + 60_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('does not show the subject id to whoever holds the URL', () => {
    const token = sealPhotoToken(key, { subjectId: 'subj-123', photoType: 1 }, now + 60_000);
    expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain('subj-123');
    expect(token).not.toContain('subj');
  });

  it('refuses a token changed in any one character, or sealed with another key', () => {
    const token = sealPhotoToken(key, { subjectId: 'subj-123', photoType: 1 }, now + 60_000);
    // Flips the top bit of one character's 6-bit value: the low bits of a base64url token's last
    // character can be padding, which decodes to the same bytes (a change nobody could detect).
    const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (const i of [0, Math.floor(token.length / 2), token.length - 1]) {
      const altered = token.slice(0, i) + BASE64URL[BASE64URL.indexOf(token[i]) ^ 32] + token.slice(i + 1);
      expect(openPhotoToken(key, altered, now)).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(openPhotoToken(randomBytes(32), token, now)).toEqual({ ok: false, reason: 'invalid' });
    expect(openPhotoToken(key, 'short', now)).toEqual({ ok: false, reason: 'invalid' });
    expect(openPhotoToken(key, `${token}/../x`, now)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('reads verified identities\' photo references', () => {
    expect(photoClaimOfRef('subj-1:2')).toEqual({ subjectId: 'subj-1', photoType: 2 });
    expect(photoClaimOfRef('a:b:1')).toEqual({ subjectId: 'a:b', photoType: 1 });
    for (const bad of ['', 'subj-1', ':1', 'subj-1:', 'subj-1:x']) expect(photoClaimOfRef(bad)).toBeUndefined();
  });
});
