import { formatOf } from './roster-file';

describe('telling a roster file\'s format', () => {
  it.each([
    ['roster.csv', undefined, 'csv'],
    ['ROSTER.XLSX', undefined, 'xlsx'],
    ['export.dat', 'csv', 'csv'],
    ['-', 'xlsx', 'xlsx'],
  ])('when the file is %p (format %p), then it is read as %s', (file, given, format) => {
    expect(formatOf(file, given)).toBe(format);
  });

  it.each([
    ['roster.xls', undefined, /\.xls\) cannot be streamed/],
    ['roster.pdf', undefined, /cannot tell the format/],
    ['-', undefined, /standard input needs --format/],
  ])('when the file is %p (format %p), then it is refused saying why', (file, given, message) => {
    expect(() => formatOf(file, given)).toThrow(expect.objectContaining({ code: 'KYC.ROSTER.BAD_FILE', message: expect.stringMatching(message) }));
  });
});
