import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../../app';
import { call, newShop, paidOrder, startFlywheel } from '../../testing/harness';

let fw: Flywheel;
beforeAll(async () => { fw = await startFlywheel(); });
afterAll(async () => { await fw?.close(); });

const outboxCount = async () => Number((await fw.db.selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('commerce batch upserts', () => {
  it('lands the valid records and names the field of each rejected one', async () => {
    const s = await newShop(fw);
    const res = await call(fw, 'POST', '/v1/orders/batch', s.secretKey, {
      records: [
        paidOrder('o-1', 'c-1', 19900),
        { ...paidOrder('o-2', 'c-1', 100), items: [{ sku: 'S', quantity: 1, unitPrice: 199.5 }] },
        { ...paidOrder('o-3', 'c-2', 100), placedAt: '2026-11-11 10:00:00' },
        paidOrder('o-4', 'c-2', 5000),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected.map((r: { index: number; field: string }) => [r.index, r.field])).toEqual([[1, 'items[0].unitPrice'], [2, 'placedAt']]);
    expect(res.body.rejected[0].message).toMatch(/minor units/);
    expect((await call(fw, 'GET', '/v1/orders/o-4', s.secretKey)).body.paidAmount).toBe(5000);
  });

  it('answers a malformed body with 400 and the field, and over 1,000 records with 400', async () => {
    const s = await newShop(fw);
    const bad = await call(fw, 'POST', '/v1/customers/batch', s.secretKey, { rows: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_field', field: 'records' });
    const big = await call(fw, 'POST', '/v1/customers/batch', s.secretKey, { records: Array.from({ length: 1001 }, (_, i) => ({ externalId: `c${i}` })) });
    expect(big.status).toBe(400);
    const notJson = await call(fw, 'POST', '/v1/customers/batch', s.secretKey, '{"records": [', { 'content-type': 'application/json' });
    expect(notJson.status).toBe(400);
  });

  it('is idempotent: the same batch twice changes nothing and publishes nothing new', async () => {
    const s = await newShop(fw);
    const records = [
      { externalId: 'p-1', title: '法式碎花连衣裙', category: '服饰 / 女装 / 连衣裙', brand: '花间', skus: [{ sku: 'p-1-S', price: 29900, cost: 12000 }, { sku: 'p-1-M', price: 29900, cost: 12000 }] },
    ];
    expect((await call(fw, 'POST', '/v1/products/batch', s.secretKey, { records })).body.accepted).toBe(1);
    const before = await outboxCount();
    expect((await call(fw, 'POST', '/v1/products/batch', s.secretKey, { records })).body.accepted).toBe(1);
    expect(await outboxCount()).toBe(before);
    await fw.projector.drain();
    const rows = await fw.store.all(`select category, category_l1 from products where shop_id = ?`, [s.shopId]);
    expect(rows).toEqual([{ category: '服饰/女装/连衣裙', category_l1: '服饰' }]);
    expect((await fw.store.one<{ n: number }>(`select count(*) n from skus where shop_id = ?`, [s.shopId]))!.n).toBe(2);
  });

  it('refuses invalid order transitions: paying a cancelled order, going back', async () => {
    const s = await newShop(fw);
    const placed = { externalId: 'o-9', customerId: 'c', status: 'placed', placedAt: '2026-11-01T09:00:00+08:00', items: [{ sku: 'A', quantity: 2, unitPrice: 1000 }], payableAmount: 2000 };
    await call(fw, 'POST', '/v1/orders/batch', s.secretKey, { records: [placed] });
    await call(fw, 'POST', '/v1/orders/batch', s.secretKey, { records: [{ ...placed, status: 'cancelled', cancelledAt: '2026-11-01T10:00:00+08:00' }] });
    const pay = await call(fw, 'POST', '/v1/orders/batch', s.secretKey, { records: [{ ...placed, status: 'paid', paidAt: '2026-11-01T11:00:00+08:00' }] });
    expect(pay.body.rejected[0]).toMatchObject({ index: 0, code: 'invalid_transition', field: 'status' });
    await call(fw, 'POST', '/v1/orders/batch', s.secretKey, { records: [paidOrder('o-10', 'c', 500, '2026-11-02T10:00:00+08:00', { status: 'completed' })] });
    const back = await call(fw, 'POST', '/v1/orders/batch', s.secretKey, { records: [paidOrder('o-10', 'c', 500, '2026-11-02T10:00:00+08:00')] });
    expect(back.body.rejected[0].message).toMatch(/go back from completed to paid/);
    expect((await call(fw, 'GET', '/v1/orders/o-9', s.secretKey)).body.status).toBe('cancelled');
  });

  it('allows partial refunds and refuses refunding more than was paid', async () => {
    const s = await newShop(fw);
    await call(fw, 'POST', '/v1/orders/batch', s.secretKey, { records: [paidOrder('o-1', 'c', 10000)] });
    const refund = (id: string, amount: number) => ({ externalId: id, orderId: 'o-1', amount, createdAt: '2026-11-20T10:00:00+08:00', reason: '尺码不合适' });
    const r = await call(fw, 'POST', '/v1/refunds/batch', s.secretKey, { records: [refund('r-1', 3000), refund('r-2', 5000), refund('r-3', 2001), { ...refund('r-4', 1), orderId: 'nope' }] });
    expect(r.body.accepted).toBe(2);
    expect(r.body.rejected.map((x: { index: number; code: string }) => [x.index, x.code])).toEqual([[2, 'invalid_field'], [3, 'unknown_reference']]);
    expect(r.body.rejected[0].message).toMatch(/10001, more than the 10000 paid/);
    // Re-sending r-2 with a smaller amount frees room for the rest.
    const again = await call(fw, 'POST', '/v1/refunds/batch', s.secretKey, { records: [refund('r-2', 4000), refund('r-3', 3000)] });
    expect(again.body.accepted).toBe(2);
    expect((await call(fw, 'GET', '/v1/orders/o-1', s.secretKey)).body.refundedAmount).toBe(10000);
  });

  it('upserts customers, inventory and spend; customer PII stays out of the analytics store', async () => {
    const s = await newShop(fw);
    const c = await call(fw, 'POST', '/v1/customers/batch', s.secretKey, { records: [{ externalId: 'c-1', name: '张三', phone: '13800000000', email: 'z@example.com', gender: 'female', birthday: '1990-05-01', province: '浙江', city: '杭州', registeredAt: '2025-01-01T00:00:00+08:00', channel: 'private_domain', tags: ['vip'] }] });
    expect(c.body.accepted).toBe(1);
    const inv = await call(fw, 'POST', '/v1/inventory/batch', s.secretKey, { records: [{ sku: 'A', warehouse: '杭州仓', onHand: 10 }, { sku: 'A', onHand: -1 }] });
    expect(inv.body.rejected[0]).toMatchObject({ index: 1, field: 'onHand' });
    const sp = await call(fw, 'POST', '/v1/spend/batch', s.secretKey, { records: [{ date: '2026-11-11', channel: 'paid_search', campaign: '双11', amount: 1234500, clicks: 800 }] });
    expect(sp.body.accepted).toBe(1);
    await fw.projector.drain();
    const cols = (await fw.store.all(`select column_name from information_schema.columns where table_name = 'customers'`)).map((r) => r.column_name);
    expect(cols).not.toContain('phone');
    expect(cols).not.toContain('email');
    expect(await fw.store.all(`select city, tags from customers where shop_id = ?`, [s.shopId])).toEqual([{ city: '杭州', tags: ['vip'] }]);
    expect(await fw.store.all(`select amount from spend where shop_id = ?`, [s.shopId])).toEqual([{ amount: 1234500 }]);
  });
});

describe('outbox projector', () => {
  it('resumes after a crash between the Postgres commit and the DuckDB apply: no row missed, none twice', async () => {
    const s = await newShop(fw);
    await fw.projector.drain();
    const orders = Array.from({ length: 300 }, (_, i) => paidOrder(`o-${i}`, `c-${i % 50}`, 1000 + i));
    await call(fw, 'POST', '/v1/orders/batch', s.secretKey, { records: orders });
    fw.projector.beforeCommit = () => { throw new Error('simulated crash before DuckDB commit'); };
    await expect(fw.projector.drain()).rejects.toThrow(/simulated crash/);
    expect((await fw.store.one<{ n: number }>(`select count(*) n from orders where shop_id = ?`, [s.shopId]))!.n).toBe(0);
    fw.projector.beforeCommit = undefined;
    // More writes arrive meanwhile, including an update of an order already in the failed batch.
    await call(fw, 'POST', '/v1/orders/batch', s.secretKey, { records: [paidOrder('o-0', 'c-0', 1000, undefined, { status: 'completed' }), paidOrder('o-new', 'c-1', 7)] });
    await fw.projector.drain();
    await fw.projector.drain();
    const counts = await fw.store.one<{ n: number; distinct_ids: number; total: number }>(`select count(*) n, count(distinct order_id) distinct_ids, sum(paid_amount) total from orders where shop_id = ?`, [s.shopId]);
    expect(counts).toEqual({ n: 301, distinct_ids: 301, total: orders.reduce((t, o) => t + o.payableAmount, 0) + 7 });
    expect((await fw.store.one<{ status: string }>(`select status from orders where shop_id = ? and order_id = 'o-0'`, [s.shopId]))!.status).toBe('completed');
    expect((await fw.store.one<{ n: number }>(`select count(*) n from order_items where shop_id = ?`, [s.shopId]))!.n).toBe(301);
  });
});
