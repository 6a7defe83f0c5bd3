import { parseMobileCodeRequest, parsePatternRequest } from './request';

const IMPORT = { rnAuthPatternCode: 'IMPORT', data: { name: ' 刘大宝 ', identityNo: '41010219850412031x', outid: 150940, customerCode: '1001', role: 2 } };
const RELATION = { rnAuthPatternCode: 'RELATION', data: { name: '刘大宝', relation: 'f', outid: '150941', childName: '刘小宝', type: 2 } };

describe('rnauth request parsing', () => {
  it('when an IMPORT body is complete, then the claim and the roster input reach the core normalized', () => {
    expect(parsePatternRequest({ ...IMPORT, guid: '6' })).toEqual({
      ok: true,
      request: {
        pattern: 'IMPORT',
        guid: '6',
        claim: { name: '刘大宝', idNumber: '41010219850412031X', mobile: '' },
        methodInput: { outid: '150940', customer_code: '1001', role: '2' },
      },
    });
  });

  it('when a RELATION body is complete, then the child, the relation (upper case) and the type go as method input', () => {
    const parsed = parsePatternRequest(RELATION);
    expect(parsed).toMatchObject({
      ok: true,
      request: { pattern: 'RELATION', claim: { name: '刘大宝', idNumber: '' }, methodInput: { outid: '150941', child_name: '刘小宝', relation: 'F', type: '2', role: '' } },
    });
  });

  it('when IMPORT-ECARD carries an ID number and a password, then the ID number is dropped and the password goes for the e-card check', () => {
    const parsed = parsePatternRequest({ rnAuthPatternCode: 'IMPORT-ECARD', data: { name: '李四', outid: '150943', password: '123456', identityNo: '410102198504120315' } });
    expect(parsed).toEqual({
      ok: true,
      request: { pattern: 'IMPORT-ECARD', guid: undefined, claim: { name: '李四', idNumber: '', mobile: '' }, methodInput: { outid: '150943', customer_code: '', role: '', password: '123456' } },
    });
  });

  it("when ECARD comes as in the seed's example, then outid, name and password reach the core; without a password it is refused", () => {
    const body = { rnAuthPatternCode: 'ECARD', guid: '1238365130127781890', data: { outid: '350002', password: '123456', name: '三五二' } };
    expect(parsePatternRequest(body)).toMatchObject({
      ok: true,
      request: { pattern: 'ECARD', claim: { name: '三五二', idNumber: '' }, methodInput: { outid: '350002', password: '123456' } },
    });
    expect(parsePatternRequest({ ...body, data: { outid: '350002', name: '三五二' } })).toMatchObject({ ok: false, message: 'data.password 必填' });
  });

  it('when RELATION type 2 carries a password, then it is not sent (only type 1 checks the e-card)', () => {
    const parsed = parsePatternRequest({ ...RELATION, data: { ...RELATION.data, password: '123456' } });
    expect(parsed).toMatchObject({ ok: true });
    expect(parsed.ok && parsed.request.methodInput).not.toHaveProperty('password');
    const byEcard = parsePatternRequest({ ...RELATION, data: { ...RELATION.data, type: 1, password: '123456' } });
    expect(byEcard).toMatchObject({ ok: true, request: { methodInput: { type: '1', password: '123456' } } });
  });

  it('when WECHAT-FACE is complete, then the claim is realName + identityNo and the verify result, token and device go as input', () => {
    const data = { accessToken: 'ACCESS', verifyResult: 'XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60Fzpc8ksZ/5ZZ0DVkXdE', realName: '张三', identityNo: '11010119900307423x', deviceId: 'D2486350057' };
    expect(parsePatternRequest({ rnAuthPatternCode: 'WECHAT-FACE', data })).toEqual({
      ok: true,
      request: {
        pattern: 'WECHAT-FACE',
        guid: undefined,
        claim: { name: '张三', idNumber: '11010119900307423X', mobile: '' },
        methodInput: { verify_result: data.verifyResult, access_token: 'ACCESS', device_id: 'D2486350057' },
      },
    });
    expect(parsePatternRequest({ rnAuthPatternCode: 'WECHAT-FACE', data: { ...data, verifyResult: undefined } })).toMatchObject({ message: 'data.verifyResult 必填' });
  });

  it("when UNIONPAY-FACE is complete, then name and certCode are the claim and the seed's other fields go in snake case", () => {
    const data = {
      token: 't', sign: 's', ts: 1700000000000, action: 'verify', txnTime: '20261123150000', txnSrc: 'app', orgCode: 'O', orgSeq: 'Q', comUserId: 'U',
      authCode: 'A', sceneCode: 'S', protocoVerison: '1.0', authSeq: 'AS', name: '张三', certType: '01', certCode: '110101199003074231', faceImage: 'aGVsbG8=',
    };
    const parsed = parsePatternRequest({ rnAuthPatternCode: 'UNIONPAY-FACE', data });
    expect(parsed).toMatchObject({
      ok: true,
      request: {
        claim: { name: '张三', idNumber: '110101199003074231' },
        methodInput: { ts: '1700000000000', txn_time: '20261123150000', com_user_id: 'U', protoco_verison: '1.0', face_image: 'aGVsbG8=', cert_type: '01' },
      },
    });
    expect(parsed.ok && Object.keys(parsed.request.methodInput)).not.toContain('cert_code');
    expect(parsePatternRequest({ rnAuthPatternCode: 'UNIONPAY-FACE', data: { ...data, orgSeq: '' } })).toMatchObject({ message: 'data.orgSeq 必填' });
  });

  it('when a field is missing or malformed, then the refusal names it', () => {
    expect(parsePatternRequest({ ...IMPORT, data: { ...IMPORT.data, outid: undefined } })).toEqual({ ok: false, message: 'data.outid 必填' });
    expect(parsePatternRequest({ ...IMPORT, data: { ...IMPORT.data, role: 3 } })).toEqual({ ok: false, message: 'data.role 格式错误' });
    expect(parsePatternRequest({ ...IMPORT, data: { ...IMPORT.data, identityNo: '4101021985' } })).toMatchObject({ message: 'data.identityNo 格式错误' });
    expect(parsePatternRequest({ ...RELATION, data: { ...RELATION.data, relation: 'UNCLE' } })).toMatchObject({ message: 'data.relation 格式错误' });
    expect(parsePatternRequest({ ...IMPORT, guid: 'abc' })).toMatchObject({ message: 'guid 格式错误' });
    expect(parsePatternRequest({ data: {} })).toMatchObject({ message: 'rnAuthPatternCode 必填' });
  });

  it('when RELATION type 1 comes without the e-card password, then the password is asked for', () => {
    expect(parsePatternRequest({ ...RELATION, data: { ...RELATION.data, type: 1 } })).toMatchObject({ ok: false, message: 'data.password 必填' });
  });

  it('when MERGE is asked in either spelling, then its code, oldGuid and authInfo come back as sent; an unknown pattern is refused', () => {
    const data = { code: '123456', oldGuid: 7, authInfo: { name: '刘大宝', outid: 150940 } };
    expect(parsePatternRequest({ rnAuthPatternCode: 'MEGRE', guid: '8', data })).toEqual({
      ok: true,
      merge: { guid: '8', code: '123456', oldGuid: '7', authInfo: { name: '刘大宝', outid: 150940 } },
    });
    expect(parsePatternRequest({ rnAuthPatternCode: 'merge', data })).toMatchObject({ ok: true, merge: { oldGuid: '7' } });
    expect(parsePatternRequest({ rnAuthPatternCode: 'MERGE', data: { ...data, authInfo: 'x' } })).toEqual({ ok: false, message: 'data.authInfo 格式错误' });
    expect(parsePatternRequest({ rnAuthPatternCode: 'MERGE', data: { ...data, code: undefined } })).toEqual({ ok: false, message: 'data.code 必填' });
    expect(parsePatternRequest({ rnAuthPatternCode: 'PALM', data: {} })).toEqual({ ok: false, message: 'rnAuthPatternCode 格式错误' });
  });

  it('when MOBILE carries a number and a code, then the number is the claim and the code the input; a code that is not digits is refused', () => {
    expect(parsePatternRequest({ rnAuthPatternCode: 'MOBILE', data: { mobileNo: ' 13800138000 ', code: '012345' } })).toEqual({
      ok: true,
      request: { pattern: 'MOBILE', guid: undefined, claim: { name: '', idNumber: '', mobile: '13800138000' }, methodInput: { code: '012345' } },
    });
    expect(parsePatternRequest({ rnAuthPatternCode: 'MOBILE', data: { mobileNo: '13800138000', code: '12a' } })).toMatchObject({ ok: false, message: 'data.code 格式错误' });
    expect(parsePatternRequest({ rnAuthPatternCode: 'MOBILE', data: { code: '123456' } })).toMatchObject({ ok: false, message: 'data.mobileNo 必填' });
  });

  it('when a code is asked for, then the number (and guid) are read, and a missing number is named', () => {
    expect(parseMobileCodeRequest({ mobileNo: '13800138000', guid: '6' })).toEqual({ ok: true, mobileNo: '13800138000', guid: '6' });
    expect(parseMobileCodeRequest({})).toEqual({ ok: false, message: 'mobileNo 必填' });
    expect(parseMobileCodeRequest({ oldGuid: 7, guid: '8' })).toEqual({ ok: true, oldGuid: '7', guid: '8' });
    expect(parseMobileCodeRequest({ oldGuid: 'abc' })).toEqual({ ok: false, message: 'oldGuid 格式错误' });
  });
});
