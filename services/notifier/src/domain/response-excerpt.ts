/**
 * What the delivery log keeps of a partner's answer: at most 200 characters, with what could be
 * personal data masked. A partner may echo the request (with its id_no) or answer with names.
 */
export const EXCERPT_MAX_CHARS = 200;

export function maskedResponseExcerpt(body: string): string {
  return (
    body
      .slice(0, EXCERPT_MAX_CHARS * 2)
      // ID numbers (the last character may be X), phone numbers, card numbers: any run of 6+ digits.
      .replace(/\d{6,}[0-9Xx]?/g, (m) => '*'.repeat(m.length))
      // Chinese names and other CJK text: names cannot be told apart from messages, so mask them all.
      .replace(/[\u3400-\u9fff\uf900-\ufaff]+/g, (m) => '*'.repeat(m.length))
      // Values of fields named like personal data, in JSON or form answers.
      .replace(/("?(?:name|id_?no|id_?number|idcard\w*|identity\w*|phone|mobile)"?\s*[:=]\s*"?)([^",&}]*)/gi, (_m, key: string, val: string) => key + '*'.repeat(val.length))
      .slice(0, EXCERPT_MAX_CHARS)
  );
}
