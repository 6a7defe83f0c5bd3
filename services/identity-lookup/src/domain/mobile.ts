/**
 * Mobile numbers, checked against the full numbering-plan metadata (libphonenumber-js/max): the
 * default metadata only checks a number's length, which lets through numbers no carrier has been
 * allocated and fixed lines. China is the default region; other regions need their +code.
 */
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { invalidArgument } from '@kyc/core';

const invalidMobile = (message: string) => invalidArgument('KYC.IDENTITY.INVALID_MOBILE', message);

/** The number in E.164 (+8613800138000), or throws KYC.IDENTITY.INVALID_MOBILE. */
export function normalizeMobile(raw: string): string {
  let phone: ReturnType<typeof parsePhoneNumberWithError>;
  try {
    phone = parsePhoneNumberWithError(raw.trim(), 'CN');
  } catch {
    throw invalidMobile('mobile is not a phone number');
  }
  if (!phone.isValid()) throw invalidMobile('mobile is not an allocated number');
  const type = phone.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') throw invalidMobile('mobile is not a mobile number');
  return phone.number;
}
