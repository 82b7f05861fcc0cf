import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../../app';
import { call, newShop, startFlywheel } from '../../testing/harness';

let fw: Flywheel;
beforeAll(async () => { fw = await startFlywheel(); });
afterAll(async () => { await fw?.close(); });

// What a Chinese shop back-office exports from Excel: GBK, Chinese headers, amounts in 元, one row per order line.
const ordersCsv = [
  '订单号,用户ID,商品编码,数量,单价,实付金额,应付金额,订单状态,下单时间,支付时间,渠道',
  'T1001,u1,SKU-A,2,99.00,198.00,198.00,已付款,2026-11-11 00:00:05,2026-11-11 00:01:00,paid_search',
  'T1002,u2,SKU-B,1,1299.00,1299.00,1299.00,交易成功,2026-11-11 09:00:00,2026-11-11 09:05:00,private_domain',
  'T1002,u2,SKU-C,1,0.00,1299.00,1299.00,交易成功,2026-11-11 09:00:00,2026-11-11 09:05:00,private_domain',
  'T1003,u3,SKU-A,-1,99.00,99.00,99.00,已付款,2026-11-11 10:00:00,2026-11-11 10:00:30,direct',
  'T1004,u3,SKU-A,1,99.001,99.00,99.00,已付款,2026-11-11 10:00:00,2026-11-11 10:00:30,direct',
].join('\r\n');

function multipart(fileName: string, data: Buffer) {
  const boundary = '----flywheel-test';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: text/csv\r\n\r\n`),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('file import over HTTP', () => {
  it('imports a GBK CSV, lands the valid orders and reports each bad line in the file\'s own terms', async () => {
    const s = await newShop(fw);
    const { body, headers } = multipart('订单导出.csv', iconv.encode(ordersCsv, 'gbk'));
    // No ?money=: the decimal points in 单价 and 实付金额 say 元.
    const res = await call(fw, 'POST', '/v1/import/orders', s.secretKey, body, headers);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 2, moneyUnit: 'major', rows: { total: 5, accepted: 3, rejected: 2 } });
    expect(res.body.rejected).toEqual([
      expect.objectContaining({ line: 5, field: 'items[0].quantity', column: '数量', value: '-1', message: '数量不能小于 1（填的是“-1”）', problem: { key: 'at_least', values: expect.objectContaining({ min: 1 }) } }),
      expect.objectContaining({ line: 6, field: 'items[0].unitPrice', column: '单价', value: '99.001', message: '单价不能有不足 1 分的小数（填的是“99.001”）' }),
    ]);
    // The errors CSV as Excel on Windows opens it: a UTF-8 BOM, then the user's columns and values.
    const report: string = res.body.errorReport;
    expect(report.startsWith('\uFEFF行号,列,填写的值,原因\r\n')).toBe(true);
    expect(report.split('\r\n')[1]).toBe('5,数量,-1,数量不能小于 1（填的是“-1”）');
    const order = (await call(fw, 'GET', '/v1/orders/T1002', s.secretKey)).body;
    expect(order).toMatchObject({ status: 'completed', paidAmount: 129900, placedAt: '2026-11-11T01:00:00.000Z', channel: 'private_domain' });
    expect(order.items).toHaveLength(2);
  });

  it('lists the accepted Chinese status words for an unknown one, and speaks English when asked', async () => {
    const s = await newShop(fw);
    const csv = ['订单号,用户ID,商品编码,数量,单价,应付金额,订单状态,下单时间', 'T1,u1,S1,1,10.00,10.00,已退款,2026-11-11 10:00:00'].join('\n');
    const zh = await call(fw, 'POST', '/v1/import/orders?fileName=orders.csv', s.secretKey, csv, { 'content-type': 'text/csv' });
    expect(zh.body.rejected[0]).toMatchObject({ line: 2, column: '订单状态', value: '已退款', problem: { key: 'bad_choice', values: expect.objectContaining({ kind: 'orderStatus' }) } });
    expect(zh.body.rejected[0].message).toBe('订单状态“已退款”无法识别，可填：待付款、待支付、已下单、已付款、已支付、待发货、已发货、待收货、已完成、交易成功、已签收、已取消、交易关闭、已关闭');
    const en = await call(fw, 'POST', '/v1/import/orders?fileName=orders.csv&lang=en', s.secretKey, csv, { 'content-type': 'text/csv' });
    expect(en.body.rejected[0].message).toBe('订单状态 "已退款" is not one of: placed, paid, shipped, completed, cancelled');
    expect(en.body.errorReport.split('\r\n')[0]).toBe('\uFEFFline,column,value,reason');
  });

  it('refuses a file of whole-number amounts until told their unit, and names the commerce service\'s refusals in Chinese', async () => {
    const s = await newShop(fw);
    const orders = ['订单号,用户ID,商品编码,数量,单价,实付金额,应付金额,订单状态,下单时间,支付时间', 'T1,u1,S1,1,4900,4900,4900,已付款,2026-11-11 10:00:00,2026-11-11 10:01:00'].join('\n');
    const ambiguous = await call(fw, 'POST', '/v1/import/orders?fileName=orders.csv', s.secretKey, orders, { 'content-type': 'text/csv' });
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.error).toMatchObject({ code: 'invalid_field', field: 'money', problem: { key: 'money_ambiguous', values: expect.objectContaining({ column: '单价', value: '4900' }) } });
    expect(ambiguous.body.error.message).toMatch(/^money: 无法判断金额单位/);
    expect((await call(fw, 'POST', '/v1/import/orders?fileName=orders.csv&money=minor', s.secretKey, orders, { 'content-type': 'text/csv' })).body.accepted).toBe(1);
    const refunds = ['退款单号,订单号,退款金额,退款时间', 'R1,T1,50.00,2026-11-12 10:00:00', 'R2,T404,1.00,2026-11-12 10:00:00'].join('\n');
    const res = await call(fw, 'POST', '/v1/import/refunds?fileName=refunds.csv', s.secretKey, refunds, { 'content-type': 'text/csv' });
    expect(res.body.rejected.map((r: { line: number; message: string }) => [r.line, r.message])).toEqual([
      [2, '订单 T1 的退款合计 ¥50.00，超过实付 ¥49.00'],
      [3, '店里没有订单 T404：请先导入订单'],
    ]);
  });

  it('counts progress in rows of the file, not records (an order of two lines is two rows)', async () => {
    const s = await newShop(fw);
    const seen: [number, number][] = [];
    await fw.imports.importFile(s.shopId, 'orders', Buffer.from(ordersCsv), 'orders.csv', { onProgress: (done, total) => seen.push([done, total]) });
    expect(seen.at(-1)).toEqual([5, 5]);
    expect(seen.every(([, total]) => total === 5)).toBe(true);
  });

  it('changes nothing when the same file is imported twice', async () => {
    const s = await newShop(fw);
    const ndjson = [
      JSON.stringify({ externalId: 'c1', name: '李雷', city: '上海', registeredAt: '2026-01-01T00:00:00+08:00' }),
      JSON.stringify({ externalId: 'c2', gender: 'female' }),
      '{ not json',
    ].join('\n');
    const first = await call(fw, 'POST', '/v1/import/customers?fileName=customers.ndjson', s.secretKey, ndjson, { 'content-type': 'application/x-ndjson' });
    expect(first.body).toMatchObject({ accepted: 2 });
    expect(first.body.rejected[0].line).toBe(3);
    const outbox = async () => Number((await fw.db.selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).where('shop_id', '=', s.shopId).executeTakeFirstOrThrow()).n);
    const before = await outbox();
    const second = await call(fw, 'POST', '/v1/import/customers?fileName=customers.ndjson', s.secretKey, ndjson, { 'content-type': 'application/x-ndjson' });
    expect(second.body.accepted).toBe(2);
    expect(await outbox()).toBe(before);
    expect((await call(fw, 'GET', '/v1/commerce/counts', s.secretKey)).body.customers).toBe(2);
  });

  it('imports behaviour events from NDJSON as a backfill, reporting bad lines', async () => {
    const s = await newShop(fw);
    const lines = [
      JSON.stringify({ type: 'page', anonymousId: 'a1', messageId: 'e1', timestamp: '2025-06-18T20:00:00+08:00', context: { page: { url: 'https://shop.cn/?utm_source=xiaohongshu&utm_medium=social' } } }),
      JSON.stringify({ type: 'track', event: 'Product Added', anonymousId: 'a1', messageId: 'e2', timestamp: '2025-06-18T20:01:00+08:00' }),
      '{"type": "track", broken',
      JSON.stringify({ type: 'track', anonymousId: 'a1', messageId: 'e3' }),
    ].join('\n');
    const res = await call(fw, 'POST', '/v1/import/events?fileName=events.ndjson', s.secretKey, lines, { 'content-type': 'application/x-ndjson' });
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected.map((r: { line: number }) => r.line)).toEqual([3, 4]);
    const again = await call(fw, 'POST', '/v1/import/events?fileName=events.ndjson', s.secretKey, lines, { 'content-type': 'application/x-ndjson' });
    expect(again.body.accepted).toBe(2); // recognised as already stored...
    const rows = await fw.store.all(`select channel, ts = received_at as backfilled from events where shop_id = ? order by ts`, [s.shopId]); // ...and not stored twice
    // Each event keeps its own channel (the landing page's UTM makes the first social); sessions carry the visit's (a184358).
    expect(rows).toEqual([{ channel: 'social', backfilled: true }, { channel: 'direct', backfilled: true }]);
  });

  it('says which formats it reads when the file type is unknown', async () => {
    const s = await newShop(fw);
    const res = await call(fw, 'POST', '/v1/import/orders?fileName=orders.pdf', s.secretKey, Buffer.from('%PDF'), { 'content-type': 'application/octet-stream' });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('file');
    expect(res.body.error.message).toMatch(/csv/i);
  });
});
