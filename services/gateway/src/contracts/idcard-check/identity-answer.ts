import { VerifiedIdentityView } from '../../application/ports';
import { chinaDate } from '../../domain/alipay-signature';

/** Seed 004's `object`: exactly these fields, every one a string but isAuth. */
export interface IdcardCheckObject {
  userId: string;
  name: string;
  cardNumber: string;
  address: string;
  age: string;
  cardFrontUrl: string;
  cardBackUrl: string;
  startTime: string;
  entTime: string;
  isAuth: boolean;
}

/** Whole years from a YYYY-MM-DD birth date to today in China; "" when the date is unknown. */
export function ageInChina(birthDate: string, nowMs = Date.now()): string {
  const birth = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!birth) return '';
  const today = chinaDate(nowMs);
  const years = Number(today.slice(0, 4)) - Number(birth[1]);
  // Compared as MM-DD strings: someone born on 29 February turns a year older on 1 March in common years.
  const age = today.slice(5) < `${birth[2]}-${birth[3]}` ? years - 1 : years;
  return age >= 0 ? String(age) : '';
}

/** Birth date from the identity, or else from the ID number's digits 7-14. */
function birthDateOf(identity: VerifiedIdentityView): string {
  if (identity.birthDate) return identity.birthDate;
  const m = /^\d{6}(\d{4})(\d{2})(\d{2})/.exec(identity.idNumber);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : '';
}

/** The answer for a verified identity; photo URLs are minted by the caller. */
export function verifiedAnswer(
  identity: VerifiedIdentityView,
  userId: string,
  urls: { cardFrontUrl: string; cardBackUrl: string },
  nowMs = Date.now(),
): IdcardCheckObject {
  return {
    userId,
    name: identity.name,
    cardNumber: identity.idNumber,
    address: identity.address,
    age: ageInChina(birthDateOf(identity), nowMs),
    cardFrontUrl: urls.cardFrontUrl,
    cardBackUrl: urls.cardBackUrl,
    startTime: identity.documentValidFrom,
    entTime: identity.documentValidTo,
    isAuth: true,
  };
}

/** The answer for a user the company knows who has no verified identity: isAuth false, nothing else known. */
export const unverifiedAnswer = (userId: string): IdcardCheckObject => ({
  userId,
  name: '',
  cardNumber: '',
  address: '',
  age: '',
  cardFrontUrl: '',
  cardBackUrl: '',
  startTime: '',
  entTime: '',
  isAuth: false,
});
