import { EXCERPT_MAX_CHARS, maskedResponseExcerpt } from './response-excerpt';

describe('delivery log excerpt of an answer', () => {
  it('when the answer echoes an ID number or phone, then the digits are masked', () => {
    const out = maskedResponseExcerpt('{"error":"bad id 11010119900307123X, call 13499002299"}');
    expect(out).not.toMatch(/\d{6,}/);
    expect(out).not.toContain('123X');
    expect(out).toContain('bad id');
  });

  it('when the answer carries a name, then the name is masked', () => {
    const out = maskedResponseExcerpt('{"name":"Li Hua","msg":"张三 not found"}');
    expect(out).not.toContain('Li Hua');
    expect(out).not.toContain('张三');
    expect(out).toContain('not found');
  });

  it('when an answer is short and harmless, then it is kept as is', () => {
    expect(maskedResponseExcerpt('{"code":"0001","msg":"busy"}')).toBe('{"code":"0001","msg":"busy"}');
  });

  it('when the answer is long, then at most 200 characters are kept', () => {
    expect(maskedResponseExcerpt('x'.repeat(5000))).toHaveLength(EXCERPT_MAX_CHARS);
  });
});
