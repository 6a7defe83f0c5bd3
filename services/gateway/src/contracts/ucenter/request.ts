import { Request } from 'express';
import { z } from 'zod';

/** Seed 003 pattern codes this gateway serves, and the realname-pattern method behind each. */
export const SERVED_PATTERNS = {
  IMPORT: 'roster-import',
  'IMPORT-ECARD': 'roster-whitelist',
  RELATION: 'roster-relation',
  ECARD: 'ecard-password',
  'WECHAT-FACE': 'wechat-face',
  'UNIONPAY-FACE': 'unionpay-face',
  MOBILE: 'mobile-code',
} as const;

/** Patterns whose start waits on an outside provider (e-card system, WeChat, UnionPay). */
export const PROVIDER_PATTERNS: readonly ServedPattern[] = ['ECARD', 'IMPORT-ECARD', 'RELATION', 'WECHAT-FACE', 'UNIONPAY-FACE'];

export type ServedPattern = keyof typeof SERVED_PATTERNS;

/** Seed 003's MERGE, which the seed also spells MEGRE: both are served alike. */
export const MERGE_PATTERNS = ['MERGE', 'MEGRE'] as const;
/** The realname-pattern method behind MERGE. */
export const MERGE_METHOD = 'user-merge';

export const RELATION_CODES = ['F', 'M', 'S', 'D', 'GF', 'GM', 'MGF', 'MGM', 'GS', 'GD', 'MGS', 'MGD'] as const;

/** JSON clients send codes as numbers as often as strings: both are accepted, as text. */
const code = z.union([z.string(), z.number().int().nonnegative()]).transform((v) => String(v).trim());
const outid = code.pipe(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/));
const customerCode = code.pipe(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/)).optional();
const name = z.string().trim().min(1).max(64);
const identityNo = z
  .string()
  .trim()
  .regex(/^\d{17}[\dXx]$/)
  .transform((v) => v.toUpperCase());
const role = z.union([z.literal(1), z.literal(2), z.literal(4), z.literal(5)]).optional();
const password = z.string().min(1).max(64).optional();
/** Printable ASCII of bounded length: tokens, signatures, provider codes. */
const token = (max: number) => z.string().regex(/^[\x21-\x7e]+$/).max(max);
const field = z.string().trim().min(1).max(512);
const mobileNo = z.string().trim().min(1).max(32);

const PATTERN_DATA = {
  IMPORT: z.object({ name, identityNo, outid, customerCode, role }),
  'IMPORT-ECARD': z.object({ name, outid, customerCode, role, password }),
  RELATION: z
    .object({
      name,
      relation: z.string().trim().toUpperCase().pipe(z.enum(RELATION_CODES)),
      identityNo: identityNo.optional(),
      outid,
      childName: name,
      customerCode,
      type: z.union([z.literal(1), z.literal(2)]),
      password,
    })
    .refine((d) => d.type !== 1 || d.password !== undefined, { path: ['password'], message: 'required for type 1' }),
  ECARD: z.object({ name, outid, customerCode, password: z.string().min(1).max(64) }),
  // The number is validated (libphonenumber-js/max) by realname-pattern, which keeps the codes.
  MOBILE: z.object({ mobileNo: mobileNo, code: code.pipe(z.string().regex(/^\d{4,8}$/)) }),
  'WECHAT-FACE': z.object({ accessToken: token(512), verifyResult: token(1024), realName: name, identityNo, deviceId: token(64) }),
  'UNIONPAY-FACE': z.object({
    token: field,
    sign: field,
    ts: z.number().int().positive(),
    action: field,
    txnTime: field,
    txnSrc: field,
    orgCode: field,
    orgSeq: field,
    comUserId: field,
    authCode: field,
    sceneCode: field,
    protocoVerison: field,
    authSeq: field,
    name,
    certType: field,
    certCode: identityNo,
    faceImage: z.string().min(1),
  }),
} as const;

const envelope = z.object({
  rnAuthPatternCode: z.string().trim().min(1),
  guid: z
    .string()
    .regex(/^\d{1,20}$/)
    .nullish(),
  data: z.record(z.string(), z.unknown()),
});

/** What the verification core is asked: the claim and the method's input (method_input keys). */
export interface PatternRequest {
  pattern: ServedPattern;
  guid?: string;
  claim: { name: string; idNumber: string; mobile: string };
  methodInput: Record<string, string>;
}

/** A MERGE (or MEGRE) request: the 409's holder, the code sent to their mobile, and the 409 attempt's data as sent. */
export interface MergeRequest {
  guid?: string;
  oldGuid: string;
  code: string;
  authInfo: Record<string, unknown>;
}

export type ParsedRequest =
  | { ok: true; request: PatternRequest }
  | { ok: true; merge: MergeRequest }
  | { ok: false; message: string };

const MERGE_DATA = z.object({
  code: code.pipe(z.string().regex(/^\d{4,8}$/)),
  oldGuid: code.pipe(z.string().regex(/^\d{1,20}$/)),
  authInfo: z.record(z.string(), z.unknown()),
});

/** Parses an rnauth body; a refusal names the first field at fault ("data.outid 必填", "data.role 格式错误"). */
export function parsePatternRequest(body: unknown): ParsedRequest {
  const outer = envelope.safeParse(body);
  if (!outer.success) return { ok: false, message: messageOf(body, outer.error) };
  const pattern = outer.data.rnAuthPatternCode.toUpperCase();
  if ((MERGE_PATTERNS as readonly string[]).includes(pattern)) {
    const merge = MERGE_DATA.safeParse(outer.data.data);
    if (!merge.success) return { ok: false, message: messageOf(outer.data.data, merge.error, 'data.') };
    return { ok: true, merge: { guid: outer.data.guid ?? undefined, ...merge.data } };
  }
  if (!(pattern in PATTERN_DATA)) return { ok: false, message: 'rnAuthPatternCode 格式错误' };
  const served = pattern as ServedPattern;
  const data = PATTERN_DATA[served].safeParse(outer.data.data);
  if (!data.success) return { ok: false, message: messageOf(outer.data.data, data.error, 'data.') };
  return { ok: true, request: { pattern: served, guid: outer.data.guid ?? undefined, ...toCore(served, data.data) } };
}

function toCore(pattern: ServedPattern, d: Record<string, unknown>): Pick<PatternRequest, 'claim' | 'methodInput'> {
  const text = (v: unknown) => (v === undefined ? '' : String(v));
  if (pattern === 'WECHAT-FACE') {
    return {
      claim: { name: text(d.realName), idNumber: text(d.identityNo), mobile: '' },
      methodInput: { verify_result: text(d.verifyResult), access_token: text(d.accessToken), device_id: text(d.deviceId) },
    };
  }
  if (pattern === 'MOBILE') return { claim: { name: '', idNumber: '', mobile: text(d.mobileNo) }, methodInput: { code: text(d.code) } };
  if (pattern === 'UNIONPAY-FACE') {
    // The seed's fields in snake case (protocoVerison as the seed spells it); name and certCode are the claim.
    const { name: n, certCode, ...rest } = d;
    const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    return { claim: { name: text(n), idNumber: text(certCode), mobile: '' }, methodInput: Object.fromEntries(Object.entries(rest).map(([k, v]) => [snake(k), text(v)])) };
  }
  const methodInput: Record<string, string> = { outid: text(d.outid), customer_code: text(d.customerCode), role: text(d.role) };
  if (pattern === 'RELATION') Object.assign(methodInput, { child_name: text(d.childName), relation: text(d.relation), type: text(d.type) });
  // The e-card password goes to realname-pattern for the one check and is kept nowhere.
  if (d.password !== undefined && (pattern === 'ECARD' || pattern === 'IMPORT-ECARD' || (pattern === 'RELATION' && d.type === 1))) methodInput.password = text(d.password);
  const idNumber = pattern === 'IMPORT-ECARD' || pattern === 'ECARD' ? '' : text(d.identityNo);
  return { claim: { name: text(d.name), idNumber, mobile: '' }, methodInput };
}

function messageOf(body: unknown, error: z.ZodError, prefix = ''): string {
  const path = error.issues[0]?.path ?? [];
  let value: unknown = body;
  for (const key of path) value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  const field = `${prefix}${path.join('.')}` || 'body';
  return value === undefined || value === null || value === '' ? `${field} 必填` : `${field} 格式错误`;
}

/** The access token of `Authorization`: the token itself, or "Bearer <token>". */
export function accessTokenOf(req: Request): string {
  const header = req.headers.authorization ?? '';
  return header.replace(/^Bearer\s+/i, '').trim();
}

/** Seed 003 gateway calls come from clients; other callers (service to service) have their own authenticated path. */
export const fromClient = (req: Request) => String(req.headers['x-deepcloud-from'] ?? '').toLowerCase() === 'client';

const mobileCodeBody = z.object({ mobileNo, guid: envelope.shape.guid });
const mergeCodeBody = z.object({ oldGuid: code.pipe(z.string().regex(/^\d{1,20}$/)), guid: envelope.shape.guid });

/**
 * The body of the code-sending call: `{mobileNo, guid?}`, or for MERGE `{oldGuid, guid?}` (the code
 * goes to the old user's verified mobile); a refusal names the field.
 */
export function parseMobileCodeRequest(
  body: unknown,
): { ok: true; mobileNo: string; guid?: string } | { ok: true; oldGuid: string; guid?: string } | { ok: false; message: string } {
  if (body && typeof body === 'object' && 'oldGuid' in body) {
    const merge = mergeCodeBody.safeParse(body);
    if (!merge.success) return { ok: false, message: messageOf(body, merge.error) };
    return { ok: true, oldGuid: merge.data.oldGuid, guid: merge.data.guid ?? undefined };
  }
  const parsed = mobileCodeBody.safeParse(body);
  if (!parsed.success) return { ok: false, message: messageOf(body, parsed.error) };
  return { ok: true, mobileNo: parsed.data.mobileNo, guid: parsed.data.guid ?? undefined };
}
