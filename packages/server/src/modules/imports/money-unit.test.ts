import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { importProblemText } from '@flywheel/contracts';
import { readRows } from './files';
import { moneyUnitOf, MoneyUnitError } from './money-unit';
import { utf8 } from './test-support';

const csv = (...lines: string[]) => readRows(utf8(lines.join('\n')), 'orders.csv');
const header = '订单号,用户ID,商品编码,数量,单价,实付金额';

async function refusal(work: () => unknown): Promise<MoneyUnitError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof MoneyUnitError) return error;
    throw error;
  }
  throw new Error('expected a MoneyUnitError');
}

describe('which unit a file writes money in', () => {
  it('reads a decimal point in a money column as 元, whatever else the file says', async () => {
    // "49.00" read as 分 was ¥0.49: the bug this rule fixes
    const rows = await csv(header, 'T1,u1,S1,1,49,49', 'T2,u1,S1,2,49.00,98');
    expect(moneyUnitOf('orders', rows, 'orders.csv', undefined, 'zh-CN')).toBe('major');
    expect(moneyUnitOf('orders', rows, 'orders.csv', 'major', 'zh-CN')).toBe('major');
    // a quantity of 1.5 is not money: it says nothing about the unit
    expect(() => moneyUnitOf('orders', [{ line: 2, values: { 数量: '1.5', 单价: '4900' } }], 'o.csv', undefined, 'zh-CN')).toThrow(MoneyUnitError);
  });

  it('reads a ¥ sign or a header that says 元 as 元, and a header that says 分 as 分', async () => {
    expect(moneyUnitOf('orders', await csv(header, 'T1,u1,S1,1,¥49,¥49'), 'orders.csv', undefined, 'zh-CN')).toBe('major');
    expect(moneyUnitOf('orders', await csv('订单号,单价（元）', 'T1,49'), 'orders.csv', undefined, 'zh-CN')).toBe('major');
    expect(moneyUnitOf('orders', await csv('订单号,单价(分)', 'T1,4900'), 'orders.csv', undefined, 'zh-CN')).toBe('minor');
  });

  it('refuses to guess when every amount is a whole number, naming the columns and one value', async () => {
    const rows = await csv(header, 'T1,u1,S1,1,4900,4900');
    const error = await refusal(() => moneyUnitOf('orders', rows, 'orders.csv', undefined, 'zh-CN'));
    expect(error.status).toBe(400);
    expect(error.field).toBe('money');
    expect(error.problem).toMatchObject({ key: 'money_ambiguous', values: { line: 2, column: '单价', value: '4900' } });
    expect(importProblemText('zh-CN', error.problem)).toBe('无法判断金额单位：单价、实付金额都没有小数点（例如第 2 行单价为“4900”），既可能是元也可能是分。');
    expect(importProblemText('en', error.problem)).toMatch(/^cannot tell the money unit: no amount in 单价, 实付金额 has a decimal point/);
    // told, it takes what it is told
    expect(moneyUnitOf('orders', rows, 'orders.csv', 'minor', 'zh-CN')).toBe('minor');
    expect(moneyUnitOf('orders', rows, 'orders.csv', 'major', 'zh-CN')).toBe('major');
  });

  it('refuses --money minor for a file that writes 49.00, instead of storing ¥0.49', async () => {
    const error = await refusal(async () => moneyUnitOf('orders', await csv(header, 'T1,u1,S1,1,49,49.00'), 'orders.csv', 'minor', 'en'));
    expect(error.problem).toMatchObject({ key: 'money_conflict', values: { requested: 'minor', evidence: 'decimal', line: 2, column: '实付金额', value: '49.00' } });
    expect(error.message).toBe('money: the money unit contradicts the file: fen was chosen, but line 2 has "49.00" in 实付金额, and a decimal point means yuan.');
    expect(importProblemText('zh-CN', error.problem)).toBe('金额单位矛盾：选择的是分，但第 2 行实付金额写作“49.00”，有小数点即为元。');
  });

  it('needs nothing for a file without amounts, and takes NDJSON (the API shape) as 分', async () => {
    expect(moneyUnitOf('customers', await readRows(utf8('用户ID,姓名\nc1,李雷'), 'c.csv'), 'c.csv', undefined, 'zh-CN')).toBeNull();
    expect(moneyUnitOf('orders', await csv(header, 'T1,u1,S1,1,,'), 'orders.csv', undefined, 'zh-CN')).toBeNull();
    const ndjson = await readRows(utf8(JSON.stringify({ externalId: 'A1', payableAmount: 4900 })), 'orders.ndjson');
    expect(moneyUnitOf('orders', ndjson, 'orders.ndjson', undefined, 'zh-CN')).toBe('minor');
  });

  it('reads an XLSX amount formatted 0.00 or ¥ as Excel shows it, so it is 元', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('订单');
    sheet.addRow(['订单号', '单价', '实付金额']);
    sheet.addRow(['T1', 49, 4900]);
    sheet.getCell('B2').numFmt = '0.00';
    sheet.getCell('C2').numFmt = '"¥"#,##0';
    const rows = await readRows(Buffer.from(await workbook.xlsx.writeBuffer()), 'orders.xlsx');
    expect(rows[0].values).toMatchObject({ 单价: '49.00', 实付金额: '¥4900' });
    expect(moneyUnitOf('orders', rows, 'orders.xlsx', undefined, 'zh-CN')).toBe('major');
  });
});
