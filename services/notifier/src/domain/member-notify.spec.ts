import { createHmac } from 'node:crypto';
import { buildMemberNotifyBody, isMemberNotifyAcknowledged, parseMemberReference } from './member-notify';

describe('member-notify body (seed 000)', () => {
  const now = new Date('2021-11-02T09:38:01Z');
  const body = buildMemberNotifyBody({
    appId: 'APP1',
    appSecret: 's3cret',
    succeeded: true,
    partnerReference: JSON.stringify({ tx_seq_no: 'TX-9', user_id: 'u-42' }),
    idNumber: '11010119900307123X',
    now,
    nonce: 'NONCE123',
  });

  it('when a verification succeeded, then the body has exactly the seed fields with SUCCESS and the partner references', () => {
    expect(Object.keys(body).sort()).toEqual(['app_id', 'code', 'id_no', 'message', 'nonce_str', 'sign', 'status', 'time_stamp', 'tx_seq_no', 'user_id']);
    expect(body).toMatchObject({
      app_id: 'APP1',
      code: '0000',
      status: 'SUCCESS',
      message: '实名认证成功',
      time_stamp: String(now.getTime() / 1000),
      tx_seq_no: 'TX-9',
      user_id: 'u-42',
      id_no: '11010119900307123X',
    });
  });

  it('when the partner checks the sign with its app secret, then it verifies', () => {
    const { sign, ...rest } = body;
    const canonical = Object.keys(rest)
      .filter((k) => rest[k] !== '')
      .sort()
      .map((k) => `${k}=${rest[k]}`)
      .join('&');
    expect(sign).toBe(createHmac('sha1', 's3cret').update(canonical).digest('hex'));
  });

  it('when a verification failed, then status is FAILED with the failure message', () => {
    const failed = buildMemberNotifyBody({ appId: 'A', appSecret: 's', succeeded: false, partnerReference: 'TX', idNumber: 'x', now });
    expect(failed.status).toBe('FAILED');
    expect(failed.message).toBe('实名认证失败');
  });

  it('when the partner reference is not the gateway JSON, then it is the tx_seq_no and user_id is empty', () => {
    expect(parseMemberReference('TX-77')).toEqual({ txSeqNo: 'TX-77', userId: '' });
    expect(parseMemberReference('123')).toEqual({ txSeqNo: '123', userId: '' });
    expect(parseMemberReference('{"other":1}')).toEqual({ txSeqNo: '{"other":1}', userId: '' });
  });

  it('when the partner answers, then only HTTP 200 with {"code":"0000"} counts as acknowledged', () => {
    expect(isMemberNotifyAcknowledged(200, '{"code":"0000"}')).toBe(true);
    expect(isMemberNotifyAcknowledged(200, '{"code":"0000","msg":"ok"}')).toBe(true);
    expect(isMemberNotifyAcknowledged(200, '{"code":0}')).toBe(false);
    expect(isMemberNotifyAcknowledged(200, 'OK')).toBe(false);
    expect(isMemberNotifyAcknowledged(201, '{"code":"0000"}')).toBe(false);
    expect(isMemberNotifyAcknowledged(200, 'null')).toBe(false);
  });
});
