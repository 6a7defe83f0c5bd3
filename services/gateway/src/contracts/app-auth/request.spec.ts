import { APP_STATUS, AppRefusal } from './envelope';
import { assertLocalParam, languageOfRequest } from './request';

const refusalOf = (fn: () => unknown) => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err as AppRefusal;
  }
};

describe('seed 001 request parameters', () => {
  // Found by generated input (schemathesis): `"local": {}` was ignored and the call succeeded.
  it.each([[{}], [[]], [1], [true], [null]])('when local is %j instead of text, then the call is refused as a malformed local (-1)', (local) => {
    const refusal = refusalOf(() => assertLocalParam({ uid: 6, token: 't', local }));
    expect(refusal).toBeInstanceOf(AppRefusal);
    expect(refusal?.status).toBe(APP_STATUS.badParameter);
    expect(refusal?.detail).toBe('local');
  });

  it.each([['zh-CN'], ['en'], ['fr'], ['']])('when local is the text %j, then it is accepted', (local) => {
    expect(refusalOf(() => assertLocalParam({ local }))).toBeUndefined();
  });

  it('when local is absent, then it is accepted and the answer is in Chinese', () => {
    expect(refusalOf(() => assertLocalParam({}))).toBeUndefined();
    expect(languageOfRequest({})).toBe('zh-CN');
  });
});
