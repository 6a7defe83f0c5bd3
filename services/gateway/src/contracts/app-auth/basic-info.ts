import { AppAuthInfo, IdentitiesPort } from '../../application/ports';
import { chinaDate } from '../../domain/alipay-signature';
import { APP_STATUS, AppRefusal } from './envelope';

/**
 * Step 1 of seed 001's submission: the basic information, checked as far as it can be without a
 * person looking at the document.
 *
 * - currentLocation 1 (resident ID card, for Chinese citizens: isChina must be 1): the number must
 *   pass GB 11643, which identity-lookup owns (region, birth date, check character), and the
 *   birthday and gender must be the ones the number encodes (17th digit odd = male).
 * - currentLocation 2 (passport): isChina 1, a PRC passport number (G or E + 8 digits, E + letter
 *   + 7 digits since 2017, diplomatic/service/public D, S, P [E] + 7-8 digits); isChina 0, a
 *   foreign passport number as machine-readable travel documents carry it (5-20 letters and
 *   digits, at least one digit).
 * - Dates: birthday, singnTime (issue) and outofTime (expiry) as YYYY-MM-DD (also YYYYMMDD,
 *   YYYY/MM/DD, YYYY.MM.DD as printed on cards), real calendar dates; birthday on or after
 *   1900-01-01 and not in the future; issue not before birth nor in the future; expiry after issue
 *   and not passed (China time), unless isAllTime is 1 (long-term), when outofTime is ignored.
 * Values come back normalized: trimmed, numbers upper-cased, dates YYYY-MM-DD.
 */

const CHINESE_PASSPORT = /^(G\d{8}|E\d{8}|E[A-HJ-NP-Z]\d{7}|[DSP]E?\d{7,8})$/;
const FOREIGN_PASSPORT = /^(?=.*\d)[A-Z0-9]{5,20}$/;
/** Names: letters of any script with the separators names use (·, -, ', ., space). */
const NAME_PART = /^[\p{L}\p{M}][\p{L}\p{M}·•.' -]{0,31}$/u;

const bad = (field: string) => new AppRefusal(APP_STATUS.badParameter, field);

const text = (params: Record<string, unknown>, field: string, max: number): string => {
  const v = params[field];
  const s = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
  if (!s || s.length > max) throw bad(field);
  return s;
};

/** An Integer parameter that must be one of `allowed` (a JSON number or a digit string). */
export function intParam(params: Record<string, unknown>, field: string, allowed: readonly number[], fallback?: number): number {
  const v = params[field];
  if ((v === undefined || v === null || v === '') && fallback !== undefined) return fallback;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d{1,3}$/.test(v.trim()) ? Number(v.trim()) : NaN;
  if (!allowed.includes(n)) throw bad(field);
  return n;
}

/** A calendar date in one of the accepted spellings, as YYYY-MM-DD; undefined otherwise. */
export function dateOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})[-/.]?(\d{2})[-/.]?(\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : undefined;
}

/** Parses and checks step 1's fields (all but the GB 11643 check, see checkIdCard). */
export function parseBasicInfo(params: Record<string, unknown>, nowMs = Date.now()): AppAuthInfo {
  const today = chinaDate(nowMs);
  const country = text(params, 'country', 64);
  const firstName = text(params, 'firstName', 32);
  const secondName = text(params, 'secondName', 32);
  if (!NAME_PART.test(firstName)) throw bad('firstName');
  if (!NAME_PART.test(secondName)) throw bad('secondName');
  const isChina = intParam(params, 'isChina', [0, 1]);
  const documentType = intParam(params, 'currentLocation', [1, 2]);
  const gender = intParam(params, 'gender', [1, 2]);
  const longTerm = intParam(params, 'isAllTime', [0, 1], 0) === 1;
  const idNumber = text(params, 'idNumber', 32).replace(/\s+/g, '').toUpperCase();
  if (documentType === 1 && isChina !== 1) throw bad('isChina');
  if (documentType === 2 && !(isChina === 1 ? CHINESE_PASSPORT : FOREIGN_PASSPORT).test(idNumber)) throw new AppRefusal(APP_STATUS.passportInvalid);

  const birthday = dateOf(params.birthday);
  if (!birthday || birthday < '1900-01-01' || birthday > today) throw bad('birthday');
  const validFrom = dateOf(params.singnTime);
  if (!validFrom) throw new AppRefusal(APP_STATUS.validityInvalid);
  if (validFrom > today || validFrom < birthday) throw new AppRefusal(APP_STATUS.validityInvalid);
  let validTo = '';
  if (!longTerm) {
    const to = dateOf(params.outofTime);
    if (!to || to <= validFrom || to < today) throw new AppRefusal(APP_STATUS.validityInvalid);
    validTo = to;
  }
  return { country, firstName, secondName, idNumber, birthday, gender, isChina, documentType, validFrom, validTo, longTerm };
}

/** The full name as the document shows it: 姓 then 名, joined without a space in Chinese, with one otherwise. */
export const fullNameOf = (info: Pick<AppAuthInfo, 'firstName' | 'secondName' | 'isChina'>) =>
  info.isChina === 1 ? `${info.firstName}${info.secondName}` : `${info.firstName} ${info.secondName}`;

/** Resident ID cards: identity-lookup's GB 11643 verdict, then birthday and gender against the number. */
export async function checkIdCard(identities: Pick<IdentitiesPort, 'validateIdNumber'>, info: AppAuthInfo): Promise<void> {
  if (info.documentType !== 1) return;
  const verdict = await identities.validateIdNumber(info.idNumber, fullNameOf(info));
  if (!verdict.valid) {
    if (verdict.reasonCode === 'KYC.IDENTITY.INVALID_NAME') throw bad('firstName');
    throw new AppRefusal(APP_STATUS.idNumberInvalid);
  }
  const gender = verdict.gender === 'M' ? 1 : verdict.gender === 'F' ? 2 : undefined;
  if ((verdict.birthDate && verdict.birthDate !== info.birthday) || (gender !== undefined && gender !== info.gender)) {
    throw new AppRefusal(APP_STATUS.idDataInconsistent);
  }
}
