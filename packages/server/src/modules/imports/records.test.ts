import { describe, expect, it } from 'vitest';
import { entityNames, importFieldName, recordSchemas } from '@flywheel/contracts';
import { columnResolver } from './columns';
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
    const { records, lines, refusals } = await importFile('orders', utf8(csv), 'orders.csv');
    expect(refusals).toEqual([]);
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
    const { records, lines, refusals } = await importFile('orders', utf8(broken), 'orders.csv');
    expect(refusals).toEqual([expect.objectContaining({ line: 7, code: 'invalid_field', field: 'externalId', column: 'externalId', problem: expect.objectContaining({ key: 'no_key' }) })]);
    expect(lines).toEqual([[2, 5, 6], [3]]);
    expect(records).toHaveLength(2);
  });
});

describe('money written in 元', () => {
  const rowsOf = (prices: string[]): SourceRow[] =>
    prices.map((price, i) => ({ line: i + 2, values: { sku: `s${i}`, price, 商品ID: `P${i}`, title: 't', category: 'c' } }));

  it('converts to 分 exactly', () => {
    const { records, refusals } = toRecords('products', rowsOf(['199.9', '0.01', '1,299.00', '¥19.99', '0.1', '0.2', '1.10', '12']), { money: 'major' });
    expect(refusals).toEqual([]);
    const prices = records.map((r) => (r as { skus: { price: number }[] }).skus[0].price);
    expect(prices).toEqual([19990, 1, 129900, 1999, 10, 20, 110, 1200]);
    // where floats drift (0.1 + 0.2 !== 0.3), 分 add up
    expect(prices[4] + prices[5]).toBe(30);
  });

  it('refuses a fraction of a fen with the line, the column and the value, and imports the other rows', () => {
    const { records, lines, refusals } = toRecords('products', rowsOf(['199.00', '199.001', '5']), { money: 'major' });
    expect(refusals).toEqual([
      expect.objectContaining({ line: 3, code: 'invalid_field', field: 'skus[0].price', column: 'price', value: '199.001', problem: expect.objectContaining({ key: 'fen_fraction' }) }),
    ]);
    expect(lines).toEqual([[2], [4]]);
    expect(records).toHaveLength(2);
  });

  it('rejects the whole order when one of its lines is bad, naming every line', () => {
    const rows: SourceRow[] = [
      { line: 2, values: { 订单号: 'A1', 单价: '10.00', 数量: '1', 商品编码: 's1' } },
      { line: 3, values: { 订单号: 'A1', 单价: '10.005', 数量: '1', 商品编码: 's2' } },
    ];
    const { records, refusals } = toRecords('orders', rows, { money: 'major' });
    expect(records).toEqual([]);
    expect(refusals.map((e) => [e.line, e.field, e.problem.key])).toEqual([
      [2, 'items[1].unitPrice', 'sibling'],
      [3, 'items[1].unitPrice', 'fen_fraction'],
    ]);
    expect(refusals[0].problem.values).toMatchObject({ id: 'A1', line: 3, column: '单价' });
  });

  it('refuses 199.5 read as minor units, a fraction of a fen, with the value as written', () => {
    const { records, refusals } = toRecords('products', rowsOf(['199.5']));
    expect(records).toEqual([]);
    expect(refusals).toEqual([expect.objectContaining({ line: 2, column: 'price', value: '199.5', problem: expect.objectContaining({ key: 'fen_fraction' }) })]);
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
  it('reads a column headed "constructor" like any other, and refuses a status "constructor" as an unknown word', async () => {
    const csv = ['externalId,customerId,sku,quantity,unitPrice,payableAmount,status,placedAt,constructor', 'B1,c1,sku-1,1,1000,1000,constructor,2026-03-01 10:00:00,x'].join('\n');
    const { records, refusals } = await importFile('orders', utf8(csv), 'orders.csv');
    expect(records).toEqual([]);
    expect(refusals).toEqual([expect.objectContaining({ line: 2, field: 'status', column: 'status', value: 'constructor', problem: expect.objectContaining({ key: 'bad_choice' }) })]);
  });
});

describe('names of columns a file does not have', () => {
  it('are headers the import reads as that field', () => {
    let checked = 0;
    for (const entity of entityNames) {
      const resolve = columnResolver(entity, undefined);
      const shape = recordSchemas[entity].shape as Record<string, { unwrap?: () => unknown }>;
      const lines = (shape.items ?? shape.skus) as unknown as { unwrap?: () => { element?: { shape: object } }; element?: { shape: object } } | undefined;
      const lineShape = (lines?.element ?? lines?.unwrap?.().element)?.shape ?? {};
      for (const field of [...Object.keys(shape), ...Object.keys(lineShape)]) {
        const name = importFieldName(entity, field, 'zh-CN');
        if (name === field || field === 'items' || field === 'skus') continue;
        const column = resolve(name);
        expect(column.to === 'field' && column.spec.field, `${entity}.${field} is called ${name}`).toBe(field);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(35);
  });
});
