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
  it('imports a GBK CSV, lands the valid orders and reports each bad line with its reason', async () => {
    const s = await newShop(fw);
    const { body, headers } = multipart('订单导出.csv', iconv.encode(ordersCsv, 'gbk'));
    const res = await call(fw, 'POST', '/v1/import/orders?money=major', s.secretKey, body, headers);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected.map((r: { line: number; field: string }) => [r.line, r.field])).toEqual([[5, 'items[0].quantity'], [6, 'items[0].unitPrice']]);
    expect(res.body.errorReport.split('\n')[0]).toBe('line,code,field,message');
    const order = (await call(fw, 'GET', '/v1/orders/T1002', s.secretKey)).body;
    expect(order).toMatchObject({ status: 'completed', paidAmount: 129900, placedAt: '2026-11-11T01:00:00.000Z', channel: 'private_domain' });
    expect(order.items).toHaveLength(2);
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
    expect(rows).toEqual([{ channel: 'social', backfilled: true }, { channel: 'social', backfilled: true }]);
  });

  it('says which formats it reads when the file type is unknown', async () => {
    const s = await newShop(fw);
    const res = await call(fw, 'POST', '/v1/import/orders?fileName=orders.pdf', s.secretKey, Buffer.from('%PDF'), { 'content-type': 'application/octet-stream' });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('file');
    expect(res.body.error.message).toMatch(/csv/i);
  });
});
