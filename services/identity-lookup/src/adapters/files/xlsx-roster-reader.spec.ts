import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { SheetRow } from '../../application/ports';
import { IMPRECISE_NUMBER } from '../../domain/roster-row';
import { readXlsxRows } from './xlsx-roster-reader';

const collect = async (bytes: Buffer) => {
  const rows: SheetRow[] = [];
  for await (const row of readXlsxRows(Readable.from([bytes]))) rows.push(row);
  return rows;
};

async function workbook(fill: (sheet: ExcelJS.Worksheet) => void, extraSheet = false): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  fill(book.addWorksheet('名单'));
  if (extraSheet) book.addWorksheet('说明').addRow(['学号', '姓名']);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('reading an XLSX roster', () => {
  it('when cells hold text, numbers, rich text and formulas, then each row is its cells as text under its sheet row number', async () => {
    const bytes = await workbook((sheet) => {
      sheet.addRow(['学号', '姓名', '身份证号', '角色']);
      sheet.addRow([150941, { richText: [{ text: '刘' }, { text: '小宝' }] }, '410102201109010516', { formula: '1+0', result: 1 }]);
      // As Excel keeps an 18-digit number typed into a cell not formatted as text.
      sheet.getRow(4).values = ['150942', '张三', Number('410102201203150734'), 1];
    }, true);
    const rows = await collect(bytes);
    expect(rows).toEqual([
      { line: 1, cells: ['学号', '姓名', '身份证号', '角色'] },
      { line: 2, cells: ['150941', '刘小宝', '410102201109010516', '1'] },
      { line: 4, cells: ['150942', '张三', IMPRECISE_NUMBER, '1'] },
    ]);
  });

  it('when a row has blank cells, then they are empty strings in their columns', async () => {
    const bytes = await workbook((sheet) => {
      sheet.addRow(['学号', '姓名', '身份证号', '角色']);
      sheet.getRow(2).getCell(1).value = 'S1';
      sheet.getRow(2).getCell(4).value = 1;
    });
    expect((await collect(bytes))[1]).toEqual({ line: 2, cells: ['S1', '', '', '1'] });
  });

  it.each([
    ['shared strings', true],
    ['inline strings', false],
  ])('when a long sheet is full of Chinese text (%s), then no character is split across chunks', async (_what, useSharedStrings) => {
    // Distinct names, so that the shared-string table is as long as the sheet.
    const pool = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅莉';
    const names = Array.from({ length: 18_000 }, (_, i) => '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'[i % 20] + pool[Math.floor(i / 20) % 30] + pool[Math.floor(i / 600) % 30]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'roster-xlsx-')), 'roster.xlsx');
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings, useStyles: false });
    const sheet = book.addWorksheet('名单');
    sheet.addRow(['学号', '姓名']).commit();
    names.forEach((name, i) => sheet.addRow([`S${i}`, name]).commit());
    sheet.commit();
    await book.commit();
    const rows = await collect(fs.readFileSync(file));
    fs.rmSync(path.dirname(file), { recursive: true });
    expect(rows.slice(1).filter((r, i) => r.cells[1] !== names[i])).toEqual([]);
  });

  it('when the file is not a workbook, then it is refused as such', async () => {
    await expect(collect(Buffer.from('学号,姓名\n1,刘小宝\n'))).rejects.toMatchObject({ code: 'KYC.ROSTER.BAD_FILE' });
  });
});
