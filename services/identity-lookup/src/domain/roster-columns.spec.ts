import { resolveColumns } from './roster-columns';

describe('reading the header row', () => {
  it('when headers are Chinese, English or both, then each names its field, whatever case, width or spacing', () => {
    const layout = resolveColumns(['学工号 (outid)', 'NAME', '身份证号码', 'Role', ' mobile_no ', '部门', '备注']);
    expect(layout.positions).toEqual({ outid: 0, name: 1, identityNo: 2, role: 3, mobile: 4, departments: 5 });
    expect(layout.labels.outid).toBe('学工号 (outid)');
    expect(layout.ignored).toEqual(['备注']);
  });

  it('when a required column is missing, then the error names it in both languages', () => {
    expect(() => resolveColumns(['学号', '姓名'])).toThrow(expect.objectContaining({ code: 'KYC.ROSTER.BAD_HEADER', message: expect.stringContaining('角色 (role)') }));
  });

  it('when two columns give the same field, then the error names both', () => {
    expect(() => resolveColumns(['学号', '工号', '姓名', '角色'])).toThrow(
      expect.objectContaining({ code: 'KYC.ROSTER.BAD_HEADER', message: 'columns "学号" and "工号" both give outid' }),
    );
  });
});
