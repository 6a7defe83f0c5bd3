import { Readable } from 'node:stream';
import { SheetRow } from '../../application/ports';
import { readCsvRows } from './csv-roster-reader';

const collect = async (bytes: Buffer, encoding?: string) => {
  const rows: SheetRow[] = [];
  for await (const row of readCsvRows(Readable.from([bytes]), { encoding })) rows.push(row);
  return rows;
};

describe('reading a CSV roster', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('when a quoted cell spans lines (%s), then every row keeps the line it starts on', async (_style, nl) => {
    const text = ['\ufeff学号,姓名,亲属', '1,刘小宝,"F/刘大宝;', 'M/王丽"', '', '2,张三,'].join(nl) + nl;
    const rows = await collect(Buffer.from(text, 'utf8'));
    expect(rows.map((r) => [r.line, r.cells[0]])).toEqual([
      [1, '学号'],
      [2, '1'],
      [4, ''],
      [5, '2'],
    ]);
    expect(rows[1].cells[2]).toBe(`F/刘大宝;${nl}M/王丽`);
  });

  it('when the file is GB 18030 and says so, then names read correctly', async () => {
    const gb = Buffer.from([0xd0, 0xd5, 0xc3, 0xfb, 0x0a, 0xc1, 0xf5, 0xd0, 0xa1, 0xb1, 0xa6, 0x0a]); // "姓名\n刘小宝\n"
    expect((await collect(gb, 'gb18030')).map((r) => r.cells[0])).toEqual(['姓名', '刘小宝']);
  });

  it('when a GB 18030 file is read as UTF-8, then the import stops and says how to fix it', async () => {
    const gb = Buffer.from([0xd0, 0xd5, 0xc3, 0xfb, 0x0a]);
    await expect(collect(gb)).rejects.toMatchObject({ code: 'KYC.ROSTER.BAD_FILE', message: expect.stringMatching(/CSV UTF-8.*gb18030/) });
  });

  it('when a quote is never closed, then the error says so but does not quote the cell', async () => {
    const err = await collect(Buffer.from('学号,姓名\n1,"刘小宝\n2,张三\n', 'utf8')).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'KYC.ROSTER.BAD_FILE', message: 'line 3: malformed CSV: a quoted cell is never closed' });
    expect((err as Error).message).not.toContain('刘小宝');
  });
});
