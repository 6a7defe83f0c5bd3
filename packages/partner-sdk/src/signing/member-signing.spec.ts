import { createHmac } from 'node:crypto';
import { tagDescription, webhookDescription, workedExample } from '../test-support/description';
import { memberSign, memberSignMatches, memberStringToSign, signMemberRequest } from './member-signing';

describe('seed 000 signing', () => {
  const request = workedExample(tagDescription('member-status'));
  const notification = workedExample(webhookDescription('memberVerificationResult'));

  it.each([
    ['the member verification request', request],
    ['the result notification', notification],
  ])('when %s of the worked example in the API description is signed, then the string and sign are the documented ones', (_what, example) => {
    const params = JSON.parse(example.parameters) as Record<string, unknown>;
    expect(memberStringToSign(params)).toBe(example.stringToSign);
    expect(memberSign(example.key, params)).toBe(example.sign);
  });

  it('when a request is signed, then it carries app_id, a fresh nonce and time stamp, and a sign an independent HMAC agrees with', () => {
    const creds = { app_id: '2021081811091302', app_secret: 'partner-secret' };
    const at = Date.UTC(2026, 11, 7, 12, 0, 0);
    const first = signMemberRequest(creds, { user_id: 'u-1', member: { name: '张三', id: 1 } }, { now: at });
    const second = signMemberRequest(creds, { user_id: 'u-1', member: { name: '张三', id: 1 } }, { now: at });
    expect(first).toMatchObject({ app_id: creds.app_id, time_stamp: String(at / 1000), user_id: 'u-1' });
    expect(first.nonce_str).not.toBe(second.nonce_str);
    const text = `app_id=${creds.app_id}&member={"id":1,"name":"张三"}&nonce_str=${first.nonce_str}&time_stamp=${first.time_stamp}&user_id=u-1`;
    expect(first.sign).toBe(createHmac('sha1', creds.app_secret).update(text, 'utf8').digest('hex'));
  });

  it('when empty fields are present or a value changes, then empty ones are not signed and a changed one breaks the sign', () => {
    const signed = signMemberRequest({ app_id: 'a', app_secret: 's' }, { user_id: 'u', phone: '', extra: null });
    expect(memberStringToSign(signed)).not.toMatch(/phone|extra|sign=/);
    expect(memberSignMatches('s', signed, signed.sign)).toBe(true);
    expect(memberSignMatches('s', signed, signed.sign.toUpperCase())).toBe(true);
    expect(memberSignMatches('s', { ...signed, user_id: 'v' }, signed.sign)).toBe(false);
    expect(memberSignMatches('other', signed, signed.sign)).toBe(false);
    expect(memberSignMatches('s', signed, undefined)).toBe(false);
  });
});
