import { memberNotifyCanonicalString, signMemberNotify } from './member-notify-signing';

// Expected values computed outside this code (Python's hmac module over the canonical string).
describe('member-notify signing (seed 000)', () => {
  const seedExample = {
    app_id: '2021081811091302',
    code: '0000',
    nonce_str: 'EvIpLbqhDtWpMwnl',
    status: 'FAILED',
    message: '实名认证失败',
    time_stamp: '1635843481',
    tx_seq_no: '211403198307188238',
    user_id: '211403198307188237',
    id_no: '114031983071882329',
  };

  it('when the seed example is signed with an app secret, then the sign matches an independently computed HMAC-SHA1', () => {
    expect(signMemberNotify(seedExample, 'test-app-secret')).toBe('3ef83d95968bd54c57859a623827eb73c4c11e37');
  });

  it('when a sign field is present, then it is not signed over', () => {
    expect(signMemberNotify({ ...seedExample, sign: 'whatever' }, 'test-app-secret')).toBe('3ef83d95968bd54c57859a623827eb73c4c11e37');
  });

  it('when a field is empty, then it is left out and the rest are sorted by name', () => {
    expect(memberNotifyCanonicalString({ c: '3', b: '', a: '1' })).toBe('a=1&c=3');
    expect(signMemberNotify({ c: '3', b: '', a: '1' }, 'k')).toBe('8c240b1cddb6663eea11db9d4c938b8850af96ba');
  });
});
