import { AlipaySignType, isAlipaySignType, parseChinaTimestamp } from '../../domain/alipay-signature';
import { IDCARD_CHECK_ERRORS as E, IdcardCheckError } from './errors';

export interface PublicParams {
  companyId: string;
  signType: AlipaySignType;
  timestamp: string;
  sign: string;
  bizContent: string;
  /** Every parameter as it arrived (strings), which is what the company signed. */
  all: Record<string, string>;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: IdcardCheckError; detail?: string };

const REQUIRED = ['companyId', 'charset', 'signType', 'bizContent', 'timestamp', 'sign'] as const;
const fail = (error: IdcardCheckError, detail?: string): { ok: false; error: IdcardCheckError; detail?: string } => ({ ok: false, error, detail });

/**
 * The public parameters of a form or JSON body. Values must be scalars: a repeated form field or
 * a nested JSON value has no single "value as sent" to verify a signature over.
 */
export function parsePublicParams(body: unknown): Parsed<PublicParams> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return fail(E.paramError, '请求体应为表单或JSON');
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === 'string') all[k] = v;
    else if ((typeof v === 'number' && Number.isSafeInteger(v)) || typeof v === 'boolean') all[k] = String(v);
    else if (v !== null && v !== undefined) return fail(E.paramError, `${k}格式错误`);
  }
  const missing = REQUIRED.filter((k) => !all[k]);
  if (missing.length) return fail(E.paramError, `缺少${missing.join(',')}`);
  if (!/^\d{1,20}$/.test(all.companyId)) return fail(E.paramError, 'companyId格式错误');
  if (!['utf-8', 'utf8'].includes(all.charset.toLowerCase())) return fail(E.charsetNotSupported);
  if (!isAlipaySignType(all.signType)) return fail(E.signTypeNotSupported);
  if (parseChinaTimestamp(all.timestamp) === undefined) return fail(E.paramError, 'timestamp格式应为yyyy-MM-dd HH:mm:ss');
  if (all.sign.length > 1024) return fail(E.paramError, 'sign格式错误');
  return { ok: true, value: { companyId: all.companyId, signType: all.signType, timestamp: all.timestamp, sign: all.sign, bizContent: all.bizContent, all } };
}

export type IdcardQuery = { by: 'cardNumber'; cardNumber: string } | { by: 'userId'; userId: string };

/** bizContent: a JSON object with exactly one of cardNumber (18-character ID number) and userId. */
export function parseBizContent(bizContent: string): Parsed<IdcardQuery> {
  let biz: unknown;
  try {
    biz = JSON.parse(bizContent);
  } catch {
    return fail(E.paramError, 'bizContent应为JSON');
  }
  if (!biz || typeof biz !== 'object' || Array.isArray(biz)) return fail(E.paramError, 'bizContent应为JSON对象');
  const { cardNumber, userId } = biz as { cardNumber?: unknown; userId?: unknown };
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v == null ? '' : undefined);
  const card = text(cardNumber);
  const user = text(userId);
  if (card === undefined || user === undefined) return fail(E.paramError, 'cardNumber或userId格式错误');
  if (card && user) return fail(E.paramError, 'cardNumber与userId只能传一个');
  if (!card && !user) return fail(E.paramError, 'cardNumber与userId须传一个');
  if (card) {
    if (!/^\d{17}[\dXx]$/.test(card)) return fail(E.paramError, 'cardNumber格式错误');
    return { ok: true, value: { by: 'cardNumber', cardNumber: card.toUpperCase() } };
  }
  if (user!.length > 64) return fail(E.paramError, 'userId过长');
  return { ok: true, value: { by: 'userId', userId: user! } };
}
