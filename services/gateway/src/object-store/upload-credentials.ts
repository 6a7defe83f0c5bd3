import { ObjectStorePort, SessionView, UploadCredentials } from '../application/ports';
import { isObjectKey, prefixOf } from './object-keys';
import { decodeComponent } from './oss-request';
import { v1Signature, v1StringToSign } from './oss-signature';
import { StsAuthority } from './sts-credentials';

export interface UploadCredentialSettings {
  bucket: string;
  /** Base URL OSS clients send requests to (the gateway's public URL, or a host routed to it). */
  endpoint: string;
  /** Region name clients configure (ali-oss signs V4 with it; any value works here). */
  region: string;
  /** Lifetime of minted credentials (capped by the session's own expiry). */
  ttlSeconds: number;
  /** Lifetime of a signed read URL. */
  urlTtlSeconds: number;
  /** Reported as RoleArn, as Alibaba STS reports the role it assumed. */
  roleArn: string;
}


/**
 * The ObjectStorePort: credentials for /user/getsts, signed read URLs for /user/authinfoNew, and
 * the reading of an object reference an app sends in /user/authnew steps 2-4.
 */
export function uploadCredentials(sts: StsAuthority, settings: UploadCredentialSettings): ObjectStorePort {
  const endpoint = settings.endpoint.replace(/\/+$/, '');
  const policyFor = (prefix: string) =>
    JSON.stringify(
      {
        Version: '1',
        Statement: [{ Action: ['oss:PutObject', 'oss:GetObject'], Resource: [`acs:oss:*:*:${settings.bucket}/${prefix}*`], Effect: 'Allow' }],
      },
      null,
      4,
    );
  const grantFor = (session: SessionView, ttlSeconds: number, actions: ('put' | 'get')[]) => ({
    subjectId: session.subjectId,
    partnerId: session.partnerId,
    uid: session.uid,
    prefix: prefixOf(session),
    actions,
    expiresAt: new Date(Math.min(Date.now() + ttlSeconds * 1000, session.expiresAt.getTime())),
  });

  return {
    mintCredentials(session): UploadCredentials {
      const minted = sts.mint(grantFor(session, settings.ttlSeconds, ['put', 'get']));
      return {
        ...minted,
        bucket: settings.bucket,
        prefix: prefixOf(session),
        endpoint,
        region: settings.region,
        roleArn: settings.roleArn,
        roleSessionName: `kyc-uid-${session.uid}`,
        policy: policyFor(prefixOf(session)),
      };
    },

    /** A V1 signed URL (what ali-oss's signatureUrl makes), with read-only credentials of its own. */
    signedUrl(session, objectKey) {
      const minted = sts.mint(grantFor(session, settings.urlTtlSeconds, ['get']));
      const expires = Math.floor(minted.expiresAt.getTime() / 1000);
      const query = [{ name: 'security-token', value: minted.securityToken, hasValue: true }];
      const signature = v1Signature(
        minted.accessKeySecret,
        v1StringToSign({ method: 'GET', headers: {}, bucket: settings.bucket, key: objectKey, query, date: String(expires) }),
      );
      const path = objectKey.split('/').map(encodeURIComponent).join('/');
      const params = new URLSearchParams({ OSSAccessKeyId: minted.accessKeyId, Expires: String(expires), Signature: signature, 'security-token': minted.securityToken });
      return `${endpoint}/${path}?${params.toString()}`;
    },

    objectKeyOf(session, reference) {
      const raw = reference.trim();
      let key: string;
      if (/^(https?|oss):\/\//i.test(raw)) {
        let url: URL;
        try {
          url = new URL(raw);
        } catch {
          return { ok: false, reason: 'malformed' };
        }
        const path = decodeComponent(url.pathname.replace(/^\/+/, ''));
        if (path === undefined) return { ok: false, reason: 'malformed' };
        // oss://<bucket>/<key>; http(s) URLs with the bucket in the path (path style) or not.
        key = url.protocol === 'oss:' ? path : path.startsWith(`${settings.bucket}/`) ? path.slice(settings.bucket.length + 1) : path;
        if (url.protocol === 'oss:' && url.hostname !== settings.bucket) return { ok: false, reason: 'foreign' };
      } else {
        key = raw.replace(/^\/+/, '');
      }
      if (!isObjectKey(key)) return { ok: false, reason: 'malformed' };
      return key.startsWith(prefixOf(session)) ? { ok: true, key } : { ok: false, reason: 'foreign' };
    },
  };
}
