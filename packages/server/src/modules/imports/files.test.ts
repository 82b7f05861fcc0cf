import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { readRows } from './files';
import { toRecords } from './records';
import { expectValid, importFile, utf8 } from './test-support';

describe('a GBK CSV exported by Excel on a Chinese Windows', () => {
  const csv = [
    '订单号,买家ID,商品编码,数量,单价,运费,应付金额,订单状态,下单时间,支付时间,平台,优惠券',
    'E1001,会员-张三,SKU-红色-M,2,19900,0,39800,已付款,2026-11-11 20:15:00,2026/11/11 20:16,小程序,双11满减、新客券',
    'E1002,会员-李四,SKU-蓝色-L,1,29900,1000,30900,交易成功,2026-11-12 09:00:00,,APP,',
  ].join('\r\n');
  const gbk = iconv.encode(csv, 'gbk');

  it('is really not UTF-8, so the fallback is what is being tested', () => {
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gbk)).toThrow();
  });

  it('parses to orders with Chinese values mapped to the contract', async () => {
    const { records, lines, refusals } = await importFile('orders', gbk, '订单导出.csv');
    expect(refusals).toEqual([]);
    expect(lines).toEqual([[2], [3]]);
    expect(records[0]).toEqual({
      externalId: 'E1001',
      customerId: '会员-张三',
      items: [{ sku: 'SKU-红色-M', quantity: 2, unitPrice: 19900 }],
      shippingFee: 0,
      payableAmount: 39800,
      status: 'paid',
      placedAt: '2026-11-11T20:15:00+08:00',
      paidAt: '2026-11-11T20:16:00+08:00',
      platform: 'mini_program',
      couponCodes: ['双11满减', '新客券'],
    });
    expect(records[1]).toMatchObject({ customerId: '会员-李四', status: 'completed', platform: 'app' });
    // an empty cell is an absent field, not ""
    expect(records[1]).not.toHaveProperty('paidAt');
    expect(records[1]).not.toHaveProperty('couponCodes');
    expectValid('orders', records);
  });

  it('also reads UTF-8 with a BOM, with the same result', async () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(csv)]);
    const fromUtf8 = await importFile('orders', withBom, 'orders.csv');
    const fromGbk = await importFile('orders', gbk, 'orders.csv');
    expect(fromUtf8).toEqual(fromGbk);
  });
});

describe('a UTF-8 CSV with one line pasted from a GBK export', () => {
  const header = '订单号,买家ID,商品编码,数量,单价,应付金额,订单状态,下单时间';
  const rows = Array.from({ length: 5 }, (_, i) => `E${i},会员-${i},SKU-红色,1,100,100,已付款,2026-11-11 20:15:00`);
  const file = Buffer.concat([
    utf8([header, rows[0], rows[1]].join('\n') + '\n'),
    iconv.encode('E-GBK,会员-王五,SKU-蓝色,1,100,100,已付款,2026-11-11 20:15:00\n', 'gbk'),
    utf8([rows[2], rows[3], rows[4]].join('\n')),
  ]);

  it('reads the header and every UTF-8 line as UTF-8 and the pasted line as GBK', async () => {
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(file)).toThrow();
    const { records, refusals } = await importFile('orders', file, 'orders.csv');
    expect(refusals).toEqual([]);
    expect(records.map((r) => (r as { customerId: string }).customerId)).toEqual(['会员-0', '会员-1', '会员-王五', '会员-2', '会员-3', '会员-4']);
    expectValid('orders', records);
  });
});

describe('a quoted field spanning several lines', () => {
  it('keeps the line numbers of the rows after it right', async () => {
    const csv = [
      '退款单号,订单号,退款金额,退款原因,退款时间',
      'R1,A1,1000,"尺码不合适',
      '换货也没有合适的",2026-03-02 10:00:00',
      'R2,A2,500,"质量问题',
      '',
      '线头很多",2026-03-03 10:00:00',
      'R3,A3,abc,,2026-03-04 10:00:00',
    ].join('\r\n');
    const { records, lines, refusals } = await importFile('refunds', utf8(csv), 'refunds.csv');
    expect(lines).toEqual([[2], [4]]);
    expect(records[0]).toMatchObject({ reason: '尺码不合适\n换货也没有合适的' });
    expect(records[1]).toMatchObject({ reason: '质量问题\n\n线头很多' });
    // R3's amount is not a number: refused on its own line 7, in the file's column, with its value.
    expect(refusals).toEqual([expect.objectContaining({ line: 7, field: 'amount', column: '退款金额', value: 'abc', problem: expect.objectContaining({ key: 'not_amount' }) })]);
  });
});

describe('an XLSX workbook', () => {
  async function workbookFile(): Promise<Buffer> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('商品');
    sheet.addRow(['商品ID', '商品名称', '类目', 'SKU编码', '售价', '成本价', 'attr.颜色', '上架时间']);
    sheet.addRow(['P1', { richText: [{ text: '真丝' }, { text: '连衣裙', font: { bold: true } }] }, '服饰/女装/连衣裙', 'P1-红', 299, 120.5, '红', new Date(Date.UTC(2026, 10, 11, 20, 15))]);
    sheet.addRow(['P1', '真丝连衣裙', '服饰/女装/连衣裙', 'P1-黑', 299, null, '黑', null]);
    sheet.addRow([]);
    sheet.addRow(['P2', '羊毛围巾', '配饰/围巾', 'P2-灰', { formula: '0.1+0.2', result: 0.1 + 0.2 }, 0.1, '灰', null]);
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  it('reads the first sheet with numbers as numbers, rich text as text and dates at +08:00', async () => {
    const rows = await readRows(await workbookFile(), 'products.xlsx');
    expect(rows.map((r) => r.line)).toEqual([2, 3, 5]);
    expect(rows[0].values).toMatchObject({ 商品名称: '真丝连衣裙', 售价: 299, 成本价: 120.5, 上架时间: '2026-11-11T20:15:00+08:00' });
  });

  it('groups SKUs into products, in 元 converted exactly to 分', async () => {
    const { records, lines, refusals } = await importFile('products', await workbookFile(), 'products.xlsx', { money: 'major' });
    expect(refusals).toEqual([]);
    expect(lines).toEqual([[2, 3], [5]]);
    expect(records).toEqual([
      {
        externalId: 'P1',
        title: '真丝连衣裙',
        category: '服饰/女装/连衣裙',
        skus: [
          { sku: 'P1-红', price: 29900, cost: 12050, attributes: { 颜色: '红' } },
          { sku: 'P1-黑', price: 29900, attributes: { 颜色: '黑' } },
        ],
      },
      // a formula computing 0.1 + 0.2 shows 0.3 in Excel and is 30 分, not 30.000000000000004
      { externalId: 'P2', title: '羊毛围巾', category: '配饰/围巾', skus: [{ sku: 'P2-灰', price: 30, cost: 10, attributes: { 颜色: '灰' } }] },
    ]);
    expectValid('products', records);
  });
});

describe('an XLSX zip bomb', () => {
  it('is refused as it unpacks, naming the limit and what to do, before ExcelJS reads it', async () => {
    // Three cells of 40 MB of one letter each (different, so shared strings keep all three): a file of
    // about 120 KB that expands to 120 MB.
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('订单');
    sheet.addRow(['externalId', 'note']);
    for (const letter of ['x', 'y', 'z']) sheet.addRow([`E-${letter}`, letter.repeat(40 * 1024 * 1024)]);
    const bomb = Buffer.from(await workbook.xlsx.writeBuffer({ zip: { compression: 'DEFLATE', compressionOptions: { level: 9 } } }));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await expect(readRows(bomb, 'orders.xlsx')).rejects.toThrow(/unpacks to more than 100 MiB: save it as CSV/);
  });

  it('is told apart from a file that is not a ZIP at all', async () => {
    await expect(readRows(utf8('externalId\nE1'), 'orders.xlsx')).rejects.toThrow(/not a ZIP file/);
  });
});

describe('an NDJSON file', () => {
  const ndjson = [
    JSON.stringify({ externalId: 'A1', customerId: 'c1', items: [{ sku: 's1', quantity: 1, unitPrice: 100 }], payableAmount: 100, status: 'paid', placedAt: '2026-03-01T10:00:00Z' }),
    '{"externalId": "A2", "customerId": ',
    '',
    JSON.stringify({ externalId: 'A3', customerId: 'c3', items: [{ sku: 's3', quantity: 2, unitPrice: 50 }], payableAmount: 100, status: 'placed', placedAt: '2026-03-01 10:00' }),
    '[1, 2]',
  ].join('\n');

  it('reports the broken line by its number and keeps the others', async () => {
    const { records, lines, refusals } = await importFile('orders', utf8(ndjson), 'orders.ndjson');
    expect(refusals.map((e) => [e.line, e.problem.key])).toEqual([[2, 'not_json'], [5, 'not_object']]);
    expect(lines).toEqual([[1], [4]]);
    // nested items pass through unchanged; an offset already given is kept
    expect(records[0]).toMatchObject({ items: [{ sku: 's1', quantity: 1, unitPrice: 100 }], placedAt: '2026-03-01T10:00:00Z' });
    expect(records[1]).toMatchObject({ placedAt: '2026-03-01T10:00:00+08:00' });
    expectValid('orders', records);
  });

  it('does not merge two records of the same order (a later line is an update)', async () => {
    const line = JSON.stringify({ externalId: 'A1', customerId: 'c1', items: [{ sku: 's1', quantity: 1, unitPrice: 100 }], payableAmount: 100, status: 'paid', placedAt: '2026-03-01T10:00:00Z' });
    const { records } = await importFile('orders', utf8(`${line}\n${line}`), 'orders.jsonl');
    expect(records).toHaveLength(2);
  });
});

describe('file types', () => {
  it('names the supported ones when given another', async () => {
    await expect(readRows(utf8('x'), 'orders.xls')).rejects.toThrow(/\.csv.*\.xlsx.*\.ndjson/);
  });

  it('reads tab-separated text', async () => {
    const rows = await readRows(utf8('sku\t仓库\t库存\ns1\t上海仓\t12\n'), 'stock.tsv');
    expect(toRecords('inventory', rows).records).toEqual([{ sku: 's1', warehouse: '上海仓', onHand: 12 }]);
  });
});
