import { OSS_ERRORS as E, OssError } from './oss-errors';
import {
  Headers,
  QueryParam,
  signaturesMatch,
  v1Signature,
  v1StringToSign,
  v4CanonicalRequest,
  v4Signature,
  v4StringToSign,
} from './oss-signature';
import { StsAuthority, StsGrant } from './sts-credentials';

/** The parts of an object request that authentication looks at. */
export interface OssRequest {
  method: string;
  /** Lower-case names; repeated headers joined with ",". */
  headers: Headers;
  /** The bucket this store serves: what the client signed, whatever the URL style. */
  bucket: string;
  /** The object key, decoded. */
  key: string;
  query: QueryParam[];
}

/** How far a request's own date may be from the server's, as OSS allows. */
export const MAX_SKEW_MS = 15 * 60_000;

type Auth =
  | { scheme: 'v1'; accessKeyId: string; signature: string; securityToken?: string; date: string; expires?: number }
  | {
      scheme: 'v4';
      accessKeyId: string;
      signature: string;
      securityToken?: string;
      day: string;
      region: string;
      product: string;
      additionalHeaders: string[];
      date: string;
      expires?: number;
    };

const param = (query: QueryParam[], name: string) => query.find((q) => q.name === name)?.value;
const malformed = (what: string) => new OssError(E.invalidArgument, `Authorization is malformed: ${what}.`);

/** Credential=<id>/<yyyymmdd>/<region>/<product>/aliyun_v4_request */
function parseCredential(credential: string) {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aliyun_v4_request' || !/^\d{8}$/.test(parts[1]) || !parts[0] || !parts[2] || !parts[3]) {
    throw malformed('the credential scope is not <id>/<yyyymmdd>/<region>/<product>/aliyun_v4_request');
  }
  return { accessKeyId: parts[0], day: parts[1], region: parts[2], product: parts[3] };
}

const additional = (value: string | undefined) => (value ? value.split(';').map((h) => h.trim().toLowerCase()).filter(Boolean) : []);

function parseAuth(req: OssRequest): Auth {
  const { headers, query } = req;
  const authorization = headers.authorization;
  if (authorization?.startsWith('OSS ')) {
    const m = /^OSS ([^:\s]+):(\S+)$/.exec(authorization);
    if (!m) throw malformed('expected "OSS <AccessKeyId>:<Signature>"');
    const date = headers['x-oss-date'] ?? headers.date;
    if (!date) throw new OssError(E.accessDenied, 'OSS authentication requires a valid Date.');
    return { scheme: 'v1', accessKeyId: m[1], signature: m[2], securityToken: headers['x-oss-security-token'], date };
  }
  if (authorization?.startsWith('OSS4-HMAC-SHA256 ')) {
    const fields = new Map(
      authorization
        .slice('OSS4-HMAC-SHA256 '.length)
        .split(',')
        .map((f) => f.trim().split('=') as [string, string | undefined]),
    );
    const credential = fields.get('Credential');
    const signature = fields.get('Signature');
    const date = headers['x-oss-date'];
    if (!credential || !signature) throw malformed('Credential and Signature are required');
    if (!date) throw new OssError(E.accessDenied, 'OSS V4 authentication requires the x-oss-date header.');
    return { scheme: 'v4', ...parseCredential(credential), signature, additionalHeaders: additional(fields.get('AdditionalHeaders')), date, securityToken: headers['x-oss-security-token'] };
  }
  if (authorization) throw malformed('unknown scheme');
  if (param(query, 'OSSAccessKeyId') !== undefined) {
    const expires = Number(param(query, 'Expires'));
    const signature = param(query, 'Signature');
    if (!signature || !Number.isSafeInteger(expires)) throw malformed('a signed URL needs OSSAccessKeyId, Expires and Signature');
    return { scheme: 'v1', accessKeyId: param(query, 'OSSAccessKeyId')!, signature, securityToken: param(query, 'security-token'), date: String(expires), expires };
  }
  if (param(query, 'x-oss-signature-version') !== undefined) {
    if (param(query, 'x-oss-signature-version') !== 'OSS4-HMAC-SHA256') throw malformed('unsupported x-oss-signature-version');
    const credential = param(query, 'x-oss-credential');
    const signature = param(query, 'x-oss-signature');
    const date = param(query, 'x-oss-date');
    const expires = Number(param(query, 'x-oss-expires'));
    if (!credential || !signature || !date || !Number.isSafeInteger(expires)) {
      throw malformed('a V4 signed URL needs x-oss-credential, x-oss-date, x-oss-expires and x-oss-signature');
    }
    return {
      scheme: 'v4',
      ...parseCredential(credential),
      signature,
      additionalHeaders: additional(param(query, 'x-oss-additional-headers')),
      date,
      expires,
      securityToken: param(query, 'x-oss-security-token'),
    };
  }
  throw new OssError(E.accessDenied, 'Anonymous access is forbidden for this operation.');
}

/** "20240501T083000Z" -> epoch ms */
function v4DateMs(date: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}

function checkTime(auth: Auth, nowMs: number): void {
  if (auth.scheme === 'v1' && auth.expires !== undefined) {
    if (auth.expires * 1000 < nowMs) throw new OssError(E.accessDenied, 'Request has expired.');
    return;
  }
  const at = auth.scheme === 'v1' ? Date.parse(auth.date) : v4DateMs(auth.date);
  if (Number.isNaN(at)) throw new OssError(E.accessDenied, 'The request date is not a valid date.');
  if (auth.scheme === 'v4' && auth.date.slice(0, 8) !== auth.day) throw new OssError(E.accessDenied, 'The credential date does not match the request date.');
  if (auth.scheme === 'v4' && auth.expires !== undefined) {
    if (at + auth.expires * 1000 < nowMs) throw new OssError(E.accessDenied, 'Request has expired.');
    return;
  }
  if (Math.abs(at - nowMs) > MAX_SKEW_MS) {
    throw new OssError(E.requestTimeTooSkewed, 'The difference between the request time and the current time is too large.');
  }
}

function expectedSignature(req: OssRequest, auth: Auth, secret: string): string {
  if (auth.scheme === 'v1') {
    return v1Signature(secret, v1StringToSign({ method: req.method, headers: req.headers, bucket: req.bucket, key: req.key, query: req.query, date: auth.date }));
  }
  const canonicalRequest = v4CanonicalRequest({
    method: req.method,
    headers: req.headers,
    bucket: req.bucket,
    key: req.key,
    query: req.query.filter((q) => q.name !== 'x-oss-signature'),
    additionalHeaders: auth.additionalHeaders,
  });
  const scope = `${auth.day}/${auth.region}/${auth.product}/aliyun_v4_request`;
  return v4Signature(secret, auth, v4StringToSign({ date: auth.date, scope, canonicalRequest }));
}

/**
 * Checks an object request's credentials the way OSS does, in this order: a signature is there and
 * well-formed; the security token is there, was minted here, is unexpired and belongs to the access
 * key id; the request's date is fresh (or its signed URL unexpired); the signature matches
 * (constant time). Resolves to what the credentials allow; refusals are OssErrors.
 */
export function authenticate(req: OssRequest, sts: StsAuthority, nowMs = Date.now()): StsGrant {
  const auth = parseAuth(req);
  if (!auth.securityToken) {
    if (auth.accessKeyId.startsWith('STS.')) throw new OssError(E.invalidSecurityToken, 'The request uses STS credentials but carries no security token.');
    throw new OssError(E.invalidAccessKeyId, 'The OSS Access Key Id you provided does not exist in our records.');
  }
  const opened = sts.open(auth.securityToken, nowMs);
  if (!opened.ok) {
    if (opened.reason === 'expired') throw new OssError(E.securityTokenExpired, 'The security token you provided has expired.');
    throw new OssError(E.invalidSecurityToken, 'The security token you provided is invalid.');
  }
  if (opened.grant.accessKeyId !== auth.accessKeyId) {
    throw new OssError(E.keyAndTokenMismatch, 'The OSS access key id and security token you provided does not match.');
  }
  checkTime(auth, nowMs);
  if (!signaturesMatch(expectedSignature(req, auth, sts.secretOf(auth.accessKeyId)), auth.signature)) {
    throw new OssError(E.signatureDoesNotMatch, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
  return opened.grant;
}
