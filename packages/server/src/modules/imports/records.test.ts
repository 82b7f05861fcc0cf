import { describe, expect, it } from 'vitest';
import { recordSchemas } from '@flywheel/contracts';
import { toRecords } from './records';
import type { SourceRow } from './source-rows';
import { expectValid, importFile, utf8 } from './test-support';

describe('orders written one line per order item', () => {
  const csv = [
    'externalId,customerId,sku,quantity,unitPrice,discount,payableAmount,status,placedAt',
    'A1,c1,sku-1,1,1000,100,2900,paid,2026-03-01 10:00:00',
    'A2,c2,sku-9,3,500,,1500,placed,2026-03-01 11:00:00',
    '',
    'A1,c1,sku-2,2,1000,,2900,paid,2026-03-01 10:00:00',
    'A1,,sku-3,1,0,,,,',
  ].join('\n');

  it('groups the lines of one order in first-seen order and remembers which lines made it', async () => {
    const { records, lines, errors } = await importFile('orders', utf8(csv), 'orders.csv');
    expect(errors).toEqual([]);
    expect(records.map((r) => (r as { externalId: string }).externalId)).toEqual(['A1', 'A2']);
    expect(lines).toEqual([[2, 5, 6], [3]]);
    expect(records[0]).toMatchObject({
      customerId: 'c1',
      payableAmount: 2900,
      items: [
        { sku: 'sku-1', quantity: 1, unitPrice: 1000, discount: 100 },
        { sku: 'sku-2', quantity: 2, unitPrice: 1000 },
        { sku: 'sku-3', quantity: 1, unitPrice: 0 },
      ],
    });
    expectValid('orders', records);
  });

  it('rejects a line without its order number and keeps the other orders', async () => {
    const broken = `${csv}\n,c3,sku-4,1,100,,100,paid,2026-03-02 10:00:00`;
    const { records, lines, errors } = await importFile('orders', utf8(broken), 'orders.csv');
    expect(errors).toEqual([expect.objectContaining({ line: 7, code: 'invalid_field', field: 'externalId' })]);
    expect(lines).toEqual([[2, 5, 6], [3]]);
    expect(records).toHaveLength(2);
  });
});

describe('money written in 元', () => {
  const rowsOf = (prices: string[]): SourceRow[] =>
    prices.map((price, i) => ({ line: i + 2, values: { sku: `s${i}`, price, 商品ID: `P${i}`, title: 't', category: 'c' } }));

  it('converts to 分 exactly', () => {
    const { records, errors } = toRecords('products', rowsOf(['199.9', '0.01', '1,299.00', '¥19.99', '0.1', '0.2', '1.10', '12']), { money: 'major' });
    expect(errors).toEqual([]);
    const prices = records.map((r) => (r as { skus: { price: number }[] }).skus[0].price);
    expect(prices).toEqual([19990, 1, 129900, 1999, 10, 20, 110, 1200]);
    // where floats drift (0.1 + 0.2 !== 0.3), 分 add up
    expect(prices[4] + prices[5]).toBe(30);
  });

  it('refuses a fraction of a fen with the line and field, and imports the other rows', () => {
    const { records, lines, errors } = toRecords('products', rowsOf(['199.00', '199.001', '5']), { money: 'major' });
    expect(errors).toEqual([
      { line: 3, code: 'invalid_field', field: 'skus[0].price', message: expect.stringMatching(/199\.001.*fraction of a fen/) },
    ]);
    expect(lines).toEqual([[2], [4]]);
    expect(records).toHaveLength(2);
  });

  it('rejects the whole order when one of its lines is bad, naming every line', () => {
    const rows: SourceRow[] = [
      { line: 2, values: { 订单号: 'A1', 单价: '10.00', 数量: '1', 商品编码: 's1' } },
      { line: 3, values: { 订单号: 'A1', 单价: '10.005', 数量: '1', 商品编码: 's2' } },
    ];
    const { records, errors } = toRecords('orders', rows, { money: 'major' });
    expect(records).toEqual([]);
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      [2, 'items[1].unitPrice'],
      [3, 'items[1].unitPrice'],
    ]);
    expect(errors[0].message).toMatch(/line 3/);
  });

  it('leaves 199.5 as a number by default (minor units) for the schema to refuse', () => {
    const { records, errors } = toRecords('products', rowsOf(['199.5']));
    expect(errors).toEqual([]);
    expect(records[0]).toMatchObject({ skus: [{ price: 199.5 }] });
    expect(recordSchemas.products.safeParse(records[0]).success).toBe(false);
  });
});

describe('dates, gender, lists and spend', () => {
  it('normalises customer fields: dates, gender, tags, shop time', () => {
    const rows: SourceRow[] = [
      { line: 2, values: { 会员ID: 'c1', 性别: '女', 生日: '1990/1/5', 注册时间: '2026-01-05 08:00', 标签: '高价值；复购|老客', 邮箱: null } },
    ];
    const { records } = toRecords('customers', rows);
    expect(records).toEqual([
      { externalId: 'c1', gender: 'female', birthday: '1990-01-05', registeredAt: '2026-01-05T08:00:00+08:00', tags: ['高价值', '复购', '老客'] },
    ]);
    expectValid('customers', records);
  });

  it('reads spend per day', () => {
    const rows: SourceRow[] = [{ line: 2, values: { 日期: '2026/1/5', 渠道: '巨量引擎', 计划: '双11预热', 消耗: '1,234.56', 曝光: '10000', 点击: '321' } }];
    const { records } = toRecords('spend', rows, { money: 'major' });
    expect(records).toEqual([{ date: '2026-01-05', channel: '巨量引擎', campaign: '双11预热', amount: 123456, impressions: 10000, clicks: 321 }]);
    expectValid('spend', records);
  });
});

describe('cells and headers that are names of built-in object properties', () => {
  it('reads a column headed "constructor" like any other, and keeps a status "constructor" as text for the contract to refuse', async () => {
    const csv = ['externalId,customerId,sku,quantity,unitPrice,payableAmount,status,placedAt,constructor', 'B1,c1,sku-1,1,1000,1000,constructor,2026-03-01 10:00:00,x'].join('\n');
    const { records, errors } = await importFile('orders', utf8(csv), 'orders.csv');
    expect(errors).toEqual([]);
    expect((records[0] as { status: unknown }).status).toBe('constructor');
    expect(recordSchemas.orders.safeParse(records[0]).error?.issues[0].path).toEqual(['status']);
  });
});
