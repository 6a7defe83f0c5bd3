/**
 * Mobile numbers for seed 003's MOBILE: a mainland China mobile number, checked against the full
 * numbering plan (libphonenumber-js/max: the default metadata only checks the length, and would
 * take 12345678901). The SMS gateway sends to the 11-digit national form.
 */
import { invalidArgument } from '@kyc/core';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export const INVALID_MOBILE = 'KYC.MOBILE_CODE.INVALID_MOBILE';

/** The 11-digit national number of a mainland mobile ("+86 138-0013-8000" -> "13800138000"); INVALID_ARGUMENT otherwise. */
export function mainlandMobile(input: string): string {
  const text = (input ?? '').trim();
  const parsed = text.length <= 32 ? parsePhoneNumberFromString(text, 'CN') : undefined;
  const type = parsed?.getType();
  if (!parsed || parsed.country !== 'CN' || !parsed.isValid() || (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE')) {
    throw invalidArgument(INVALID_MOBILE, 'mobile must be a valid mainland China mobile number');
  }
  return String(parsed.nationalNumber);
}
