import { CLOCK_SKEW_MS, idCardNumberMd5, judgeWechatFace, nameUtf8Md5 } from './wechat-face-verdict';

/** Digests computed with md5sum over the UTF-8 text, not with the code under test. */
const ZHANG_SAN = { identityNo: '11010519491231002X', realName: '张三', idMd5: 'ae05564031c21338aa8a2e7266e7855c', nameMd5: '615db57aa314529aaa0fbe95b3e95bd3' };
const LI_SI_NAME_MD5 = '36c942351ec9cc3ad124e288a5c9cf0b';
const OTHER_ID_MD5 = 'bdae871f64f195b921660b215925949a'; // 110101199003074231

const NOW = new Date('2024-09-01T08:00:00Z');
const WINDOW = { now: NOW, maxAgeMs: 600_000 };
const result = (over: Partial<Parameters<typeof judgeWechatFace>[0]> = {}) => ({
  passed: true,
  identifyTime: new Date(NOW.getTime() - 30_000),
  idCardNumberMd5: ZHANG_SAN.idMd5,
  nameUtf8Md5: ZHANG_SAN.nameMd5,
  ...over,
});

describe('WeChat face digests', () => {
  it('when an ID number ends in a lower-case x, then its digest is that of the upper-case X, as WeChat computes it', () => {
    expect(idCardNumberMd5('11010519491231002x')).toBe(ZHANG_SAN.idMd5);
    expect(idCardNumberMd5('11010519491231002X')).toBe(ZHANG_SAN.idMd5);
  });

  it('when a name is hashed, then it is the MD5 of its UTF-8 bytes', () => {
    expect(nameUtf8Md5('张三')).toBe(ZHANG_SAN.nameMd5);
    expect(nameUtf8Md5('李四')).toBe(LI_SI_NAME_MD5);
  });
});

describe('judgeWechatFace', () => {
  it('when WeChat passed the face of the submitted name and ID number moments ago, then the identity is proven', () => {
    expect(judgeWechatFace(result(), { identityNo: '11010519491231002x', realName: '张三' }, WINDOW)).toEqual({ proven: true });
  });

  it('when WeChat answers its digests in upper-case hex, then they still compare equal', () => {
    expect(judgeWechatFace(result({ nameUtf8Md5: ZHANG_SAN.nameMd5.toUpperCase() }), ZHANG_SAN, WINDOW)).toEqual({ proven: true });
  });

  it.each([
    ['the face check did not pass', result({ passed: false }), 'not-passed'],
    ['the face was checked against another ID number', result({ idCardNumberMd5: OTHER_ID_MD5 }), 'id-number-mismatch'],
    ['the face was checked against another name', result({ nameUtf8Md5: LI_SI_NAME_MD5 }), 'name-mismatch'],
    ['WeChat gave no digests', result({ idCardNumberMd5: '', nameUtf8Md5: '' }), 'id-number-mismatch'],
    ['the check is older than the window', result({ identifyTime: new Date(NOW.getTime() - 600_001) }), 'stale'],
    ['the check is dated ahead of the clock by more than the skew', result({ identifyTime: new Date(NOW.getTime() + CLOCK_SKEW_MS + 1) }), 'from-the-future'],
  ])('when %s, then the identity is not proven (%s)', (_what, given, reason) => {
    expect(judgeWechatFace(given, ZHANG_SAN, WINDOW)).toEqual({ proven: false, reason });
  });

  it('when the check is exactly as old as the window allows, or slightly ahead of the clock, then it still counts', () => {
    expect(judgeWechatFace(result({ identifyTime: new Date(NOW.getTime() - 600_000) }), ZHANG_SAN, WINDOW)).toEqual({ proven: true });
    expect(judgeWechatFace(result({ identifyTime: new Date(NOW.getTime() + 5_000) }), ZHANG_SAN, WINDOW)).toEqual({ proven: true });
  });
});
