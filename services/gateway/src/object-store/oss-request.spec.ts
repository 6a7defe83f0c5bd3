import { claimsRequest } from './oss-request';

const BUCKET = 'kyc-auth-image';
const request = (url: string, headers: Record<string, string> = { host: '127.0.0.1:8080' }) => ({ headers, path: url.split('?')[0], originalUrl: url });

describe('claimsRequest', () => {
  it('claims a custom-domain object path whose authentication is missing or mangled, so it is refused in OSS terms', () => {
    expect(claimsRequest(request('/auth/7/front.jpg'), BUCKET)).toBe(true);
    expect(claimsRequest(request('/auth/7/front.jpg?OSSAccessKeyId[$ne]=x&Signature[$ne]=x'), BUCKET)).toBe(true);
  });

  it('claims requests that name the bucket or carry OSS authentication', () => {
    expect(claimsRequest(request('/x.jpg', { host: `${BUCKET}.oss-cn-hangzhou.aliyuncs.com` }), BUCKET)).toBe(true);
    expect(claimsRequest(request(`/${BUCKET}/auth/7/x.jpg`), BUCKET)).toBe(true);
    expect(claimsRequest(request('/x.jpg', { host: 'h', authorization: 'OSS STS.a:b' }), BUCKET)).toBe(true);
    expect(claimsRequest(request('/x.jpg?OSSAccessKeyId=STS.a&Expires=1&Signature=s'), BUCKET)).toBe(true);
  });

  it('leaves the partner contracts their paths, including seed 004 paths that contain "auth"', () => {
    for (const url of ['/user/getsts', '/user/validate/fetch_info/?user_sid=x', '/api/kycloud/open/v1.0/auth/idcard/check', '/authority', '/docs']) {
      expect(claimsRequest(request(url), BUCKET)).toBe(false);
    }
  });
});
