import { Request } from 'express';
import { OBJECT_KEY_ROOT } from './object-keys';
import { Headers, QueryParam } from './oss-signature';

/**
 * Where an OSS request names its bucket and object. ali-oss (and OSS clients generally) use one of:
 * - virtual-hosted style: `Host: <bucket>.<endpoint host>`, path `/<key>` (also what ali-oss sends
 *   to an IP endpoint: it connects to the IP but names `<bucket>.<region>.aliyuncs.com` as Host);
 * - path style (`sldEnable`): path `/<bucket>/<key>`;
 * - custom domain (`cname: true`): path `/<key>`, the host naming no bucket.
 * This store serves one bucket, so all three resolve to it; a request is the store's when its host
 * or path names the bucket, it carries OSS authentication (header or signed-URL query), or its
 * path is in the store's key space (a custom-domain request whose authentication is missing or
 * mangled still gets OSS's AccessDenied, not a partner contract's "not found").
 */
export function claimsRequest(req: Pick<Request, 'headers' | 'path' | 'originalUrl'>, bucket: string): boolean {
  if (hostBucket(req.headers.host) === bucket) return true;
  if (req.path === `/${bucket}` || req.path.startsWith(`/${bucket}/`) || req.path.startsWith(`/${OBJECT_KEY_ROOT}`)) return true;
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string' && /^OSS4?(-HMAC-SHA256)? /.test(authorization)) return true;
  const query = rawQuery(req.originalUrl);
  return /(^|&)(OSSAccessKeyId|x-oss-signature|x-oss-credential)=/.test(query);
}

const hostBucket = (host: string | undefined) => {
  const name = (host ?? '').split(':')[0].toLowerCase();
  const dot = name.indexOf('.');
  return dot > 0 ? name.slice(0, dot) : undefined;
};

const rawQuery = (url: string) => {
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
};

export const decodeComponent = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
};

/** Query parameters as sent, in order; undefined when one is not valid percent-encoding. */
export function queryParams(url: string): QueryParam[] | undefined {
  const out: QueryParam[] = [];
  for (const part of rawQuery(url).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decodeComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeComponent(part.slice(eq + 1));
    if (name === undefined || value === undefined) return undefined;
    out.push({ name, value, hasValue: eq >= 0 });
  }
  return out;
}

/** The object key a request names (decoded), whichever style it uses; undefined when the path is not valid percent-encoding. */
export function objectKeyOfPath(path: string, bucket: string): string | undefined {
  const key = decodeComponent(path.replace(/^\//, ''));
  if (key === undefined) return undefined;
  return key === bucket ? '' : key.startsWith(`${bucket}/`) ? key.slice(bucket.length + 1) : key;
}

/** Headers with lower-case names and single string values, as signatures are computed over them. */
export function headersOf(req: Pick<Request, 'headers'>): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}
