/**
 * The two request signatures of Alibaba Cloud OSS, as a server recomputes them. Pure functions of
 * the request's parts; no I/O.
 *
 * V1 (HMAC-SHA1, what ali-oss 6.x sends by default):
 *   Authorization: OSS <AccessKeyId>:<Signature>, or the query form
 *   ?OSSAccessKeyId=&Expires=&Signature=[&security-token=] of a signed URL.
 *   Signature = base64(HMAC-SHA1(secret, VERB\nContent-MD5\nContent-Type\nDate\n
 *                 CanonicalizedOSSHeaders CanonicalizedResource))
 *   Date is the Date header, or x-oss-date when present (ali-oss sends only x-oss-date), or the
 *   Expires value of a signed URL. CanonicalizedOSSHeaders: every x-oss-* header, lower-cased and
 *   trimmed, sorted, "name:value\n" each. CanonicalizedResource: /<bucket>/<key> plus the
 *   sub-resources present in the query (security-token, response-*, acl, ...), sorted, raw values.
 *
 * V4 (OSS4-HMAC-SHA256, ali-oss with `authorizationV4: true`):
 *   Authorization: OSS4-HMAC-SHA256 Credential=<id>/<yyyymmdd>/<region>/oss/aliyun_v4_request,
 *   [AdditionalHeaders=a;b,]Signature=<hex>, or the query form x-oss-signature-version, -credential,
 *   -date, -expires, -signature[, -additional-headers, -security-token].
 *   CanonicalRequest = VERB\nURI-encoded /<bucket>/<key>\ncanonical query\ncanonical headers\n
 *                      additional headers\nhashed payload (x-oss-content-sha256 or UNSIGNED-PAYLOAD)
 *   StringToSign = OSS4-HMAC-SHA256\n<x-oss-date>\n<scope>\nhex(SHA256(CanonicalRequest))
 *   key = HMAC chain of "aliyun_v4"+secret over date, region, "oss", "aliyun_v4_request".
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** A query parameter as it arrived: `hasValue` false for `?acl` (no "="). */
export interface QueryParam {
  name: string;
  value: string;
  hasValue: boolean;
}

/** Query parameters that are part of a V1 canonicalized resource (OSS's sub-resources). */
const V1_SUB_RESOURCES = new Set([
  'acl',
  'append',
  'callback',
  'callback-var',
  'continuation-token',
  'delete',
  'objectMeta',
  'partNumber',
  'position',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
  'restore',
  'security-token',
  'symlink',
  'tagging',
  'uploadId',
  'uploads',
  'versionId',
  'x-oss-process',
  'x-oss-traffic-limit',
]);

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Request headers with lower-case names (Node gives them so) and string values. */
export type Headers = Record<string, string | undefined>;

export function v1StringToSign(input: { method: string; headers: Headers; bucket: string; key: string; query: QueryParam[]; date: string }): string {
  const { headers } = input;
  const ossHeaders = Object.keys(headers)
    .filter((h) => h.startsWith('x-oss-') && headers[h] !== undefined)
    .sort()
    .map((h) => `${h}:${String(headers[h]).trim()}`);
  const subResources = input.query
    .filter((q) => V1_SUB_RESOURCES.has(q.name))
    .sort(byName)
    .map((q) => (q.value !== '' ? `${q.name}=${q.value}` : q.name));
  const resource = `/${input.bucket}/${input.key}${subResources.length ? `?${subResources.join('&')}` : ''}`;
  return [input.method.toUpperCase(), headers['content-md5'] ?? '', headers['content-type'] ?? '', input.date, ...ossHeaders, resource].join('\n');
}

export const v1Signature = (secret: string, stringToSign: string) => createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');

/** RFC 3986 percent-encoding as OSS V4 wants it (encodeURIComponent plus !'()*). */
export const v4Encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function v4CanonicalRequest(input: {
  method: string;
  headers: Headers;
  bucket: string;
  key: string;
  /** Every query parameter but x-oss-signature. */
  query: QueryParam[];
  additionalHeaders: string[];
}): string {
  const { headers } = input;
  const uri = v4Encode(`/${input.bucket}/${input.key}`).replace(/%2F/g, '/');
  const query = input.query
    .map((q) => ({ name: v4Encode(q.name), value: v4Encode(q.value), hasValue: q.hasValue }))
    .sort(byName)
    .map((q) => (q.hasValue ? `${q.name}=${q.value}` : q.name))
    .join('&');
  const signed = new Set(input.additionalHeaders);
  for (const h of Object.keys(headers)) if (h === 'content-type' || h === 'content-md5' || h.startsWith('x-oss-')) signed.add(h);
  const canonicalHeaders = [...signed]
    .filter((h) => headers[h] !== undefined)
    .sort()
    .map((h) => `${h}:${String(headers[h]).trim()}\n`)
    .join('');
  return [
    input.method.toUpperCase(),
    uri,
    query,
    canonicalHeaders,
    input.additionalHeaders.join(';'),
    headers['x-oss-content-sha256'] ?? 'UNSIGNED-PAYLOAD',
  ].join('\n');
}

export function v4StringToSign(input: { date: string; scope: string; canonicalRequest: string }): string {
  return ['OSS4-HMAC-SHA256', input.date, input.scope, createHash('sha256').update(input.canonicalRequest).digest('hex')].join('\n');
}

export function v4Signature(secret: string, scope: { day: string; region: string; product: string }, stringToSign: string): string {
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`aliyun_v4${secret}`, scope.day), scope.region), scope.product), 'aliyun_v4_request');
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex');
}

/** Constant-time comparison of two signatures as sent. */
export function signaturesMatch(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
