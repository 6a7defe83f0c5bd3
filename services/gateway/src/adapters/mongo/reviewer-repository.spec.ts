import {
  hashReviewerToken,
  isReviewerId,
  newReviewerId,
  newReviewerToken,
  reviewerIdOfToken,
  tokenMatchesHash,
} from './reviewer-repository';

describe('reviewer tokens', () => {
  it('when a token is issued, then it names its reviewer and carries 256 random bits', () => {
    const id = newReviewerId();
    expect(isReviewerId(id)).toBe(true);
    const token = newReviewerToken(id);
    expect(reviewerIdOfToken(token)).toBe(id);
    expect(token.split('.')[1]).toHaveLength(43);
    expect(newReviewerToken(id)).not.toBe(token);
  });

  it('when the stored hash is of the presented token, then it matches; any other token does not', () => {
    const token = newReviewerToken(newReviewerId());
    const stored = hashReviewerToken(token);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain(token.split('.')[1]);
    expect(tokenMatchesHash(token, stored)).toBe(true);
    expect(tokenMatchesHash(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, stored)).toBe(false);
    expect(tokenMatchesHash(token, 'not-hex')).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['no secret', 'rv_0123456789abcdef'],
    ['a short secret', 'rv_0123456789abcdef.abc'],
    ['a foreign id', `admin.${'A'.repeat(43)}`],
    ['an injected query', `{"$ne":null}.${'A'.repeat(43)}`],
  ])('when the token is %s, then it names no reviewer', (_what, token) => {
    expect(reviewerIdOfToken(token)).toBeUndefined();
  });
});
