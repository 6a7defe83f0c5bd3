/**
 * Test identities: ID numbers built with the GB 11643 check character computed here, independently
 * of identity-lookup's code, so the tests check the rule rather than echo the implementation.
 */
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

export function idNumber(region = '110101', birth = '19900307', seq = Math.floor(Math.random() * 999)): string {
  const body = `${region}${birth}${String(seq).padStart(3, '0')}`;
  const sum = [...body].reduce((acc, ch, i) => acc + Number(ch) * W[i], 0);
  return body + '10X98765432'[sum % 11];
}

/** The same number with a wrong check character. */
export function withWrongCheckDigit(id: string): string {
  return id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
}
