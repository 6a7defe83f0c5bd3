import { VerificationView } from '../../application/ports';
import { resultData, successData } from './answer';

const school = { customerCode: '1001', customerName: '郑州枫杨外国语学校', ecardSchool: false, dpcode: '00000000' };
const teacher = {
  memberId: 'm-1',
  school,
  outid: '150940',
  name: '刘大宝',
  role: 2,
  departments: [{ deptId: 228, deptName: '2018级1班', position: '语文老师', supervisor: true }],
  ecardCustomerId: '',
};
const child = { ...teacher, memberId: 'm-2', outid: '150941', name: '刘小宝', role: 1, departments: [{ deptId: 229, deptName: '2018级1班', position: '', supervisor: false }] };
const verification = {
  verificationId: 'v1',
  ticket: 'T1',
  state: 'succeeded',
  providerReference: 'm-1',
  createdAt: new Date('2026-11-23T08:00:00.000Z'),
  completedAt: new Date('2026-11-23T08:00:01.500Z'),
} as VerificationView;

describe('seed 003 answers', () => {
  it('when IMPORT succeeded, then data has the seed fields: school, member, departments and relatives without ID numbers or mobiles', () => {
    const data = successData('IMPORT', '6', verification, { member: JSON.stringify(teacher), relatives: JSON.stringify([{ relation: 'F', member: child }]) });
    expect(data).toEqual({
      guid: '6',
      rnAuthTicket: 'T1',
      deviceId: null,
      role: 2,
      customerCode: '1001',
      customerName: '郑州枫杨外国语学校',
      ecardSchool: false,
      dpcode: '00000000',
      memberId: 'm-1',
      serialNo: '150940',
      ecardCustomerId: null,
      deptInfo: [{ deptId: 228, deptName: '2018级1班', supervisor: true, position: '语文老师', customerCode: '1001', ecardSchool: false }],
      relativeInfo: [
        {
          customerCode: '1001',
          ecardSchool: false,
          identityNo: null,
          outid: '150941',
          realName: '刘小宝',
          mobileNo: null,
          serialNo: '150941',
          relation: 'F',
          ecardCustomerId: null,
          childAvatar: null,
          deptInfo: [{ deptId: 229, deptName: '2018级1班', supervisor: false, position: null, customerCode: '1001', ecardSchool: false }],
        },
      ],
    });
  });

  it("when RELATION succeeded, then the user is a parent (role 3) of the child's school", () => {
    const data = successData('RELATION', '7', verification, { member: 'null', relatives: JSON.stringify([{ relation: 'M', member: child }]) });
    expect(data).toMatchObject({ role: 3, customerCode: '1001', memberId: null, serialNo: null, deptInfo: [], relativeInfo: [{ relation: 'M', outid: '150941' }] });
  });

  it('when the ticket query finds a succeeded verification, then it shows what was verified with Unix-second times', () => {
    expect(resultData(verification, { name: '刘大宝', idNumber: '410102198504120315', mobile: '' })).toEqual({
      result: true,
      deviceId: null,
      memberId: 'm-1',
      identifyTime: 1795420800,
      finishTime: 1795420801,
      realName: '刘大宝',
      identityNo: '410102198504120315',
    });
  });

  it('when the verification failed, then result is false and what the attempt claimed is not shown', () => {
    const failed = { ...verification, state: 'failed', providerReference: '' } as VerificationView;
    expect(resultData(failed, { name: '刘大宝', idNumber: '410102198504120315', mobile: '' })).toMatchObject({ result: false, memberId: null, realName: null, identityNo: null });
  });

  it('when WECHAT-FACE succeeded, then the device is echoed and no roster role or school is invented', () => {
    const data = successData('WECHAT-FACE', '6', verification, { member: 'null', relatives: '[]' }, 'D2486350057');
    expect(data).toMatchObject({ guid: '6', deviceId: 'D2486350057', role: null, customerCode: null, memberId: null, deptInfo: [], relativeInfo: [] });
  });
});
