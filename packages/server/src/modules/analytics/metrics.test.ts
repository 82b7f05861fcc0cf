import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../../app';
import { call, newShop, startFlywheel } from '../../testing/harness';

/**
 * A hand-computed shop for November 2026 (Asia/Shanghai). The comments give the arithmetic each
 * expected number comes from.
 */
let fw: Flywheel;
let key: string;
let pk: string;

const order = (id: string, customerId: string, amount: number, at: string, extra: Record<string, unknown> = {}) => ({
  externalId: id, customerId, status: 'paid', placedAt: at, paidAt: at, items: [{ sku: 'SKU-X', quantity: 1, unitPrice: amount }], payableAmount: amount, ...extra,
});

beforeAll(async () => {
  fw = await startFlywheel();
  const shop = await newShop(fw);
  key = shop.secretKey;
  pk = shop.publishableKey;
  await call(fw, 'POST', '/v1/products/batch', key, { records: [{ externalId: 'P1', title: '羊绒大衣', category: '服饰/女装/大衣', skus: [{ sku: 'S1', price: 10000, cost: 4000 }] }] });
  const orders = [
    order('o0', 'c1', 5000, '2026-10-15T10:00:00+08:00'), // October: makes c1 a returning buyer
    order('o1', 'c1', 10000, '2026-11-10T23:59:59+08:00'), // the last second of 11-10
    order('o2', 'c1', 20000, '2026-11-11T00:00:00+08:00'), // the first second of 11-11
    { ...order('o3', 'c2', 30000, '2026-11-11T12:00:00+08:00'), items: [{ sku: 'S1', quantity: 3, unitPrice: 10000 }] },
    { externalId: 'o4', customerId: 'c3', status: 'cancelled', placedAt: '2026-11-12T09:00:00+08:00', cancelledAt: '2026-11-12T10:00:00+08:00', items: [{ sku: 'SKU-X', quantity: 1, unitPrice: 8000 }], payableAmount: 8000 },
    { ...order('o5', 'c3', 7000, '2026-11-30T23:59:59+08:00'), paidAt: '2026-12-01T00:00:00+08:00' }, // placed in Nov, paid in Dec
  ];
  expect((await call(fw, 'POST', '/v1/orders/batch', key, { records: orders })).body.accepted).toBe(6);
  await call(fw, 'POST', '/v1/refunds/batch', key, {
    records: [
      { externalId: 'r1', orderId: 'o3', amount: 6000, createdAt: '2026-12-05T10:00:00+08:00' }, // lands in December
      { externalId: 'r2', orderId: 'o1', amount: 1000, createdAt: '2026-11-20T10:00:00+08:00' },
    ],
  });
  await call(fw, 'POST', '/v1/spend/batch', key, {
    records: [
      { date: '2026-11-11', channel: 'paid_search', campaign: '双11', amount: 20000 },
      { date: '2026-11-10', channel: 'private_domain', amount: 1000 },
    ],
  });
  const landing = (source: string, medium: string) => ({ page: { url: `https://shop.cn/?utm_source=${source}&utm_medium=${medium}` } });
  const page = { type: 'page', messageId: 'A1', anonymousId: 'anon-A', timestamp: '2026-11-11T10:00:00+08:00', context: landing('baidu', 'cpc') };
  await call(fw, 'POST', '/v1/batch', pk, {
    batch: [
      { type: 'page', messageId: 'C1', userId: 'c1', timestamp: '2026-11-10T20:00:00+08:00', context: landing('wechat', 'private') },
      { type: 'page', messageId: 'C2', userId: 'c1', timestamp: '2026-11-11T09:00:00+08:00' },
      page,
      { type: 'track', messageId: 'A2', anonymousId: 'anon-A', event: 'Product Added', timestamp: '2026-11-11T10:05:00+08:00' },
      { type: 'track', messageId: 'A3', anonymousId: 'anon-A', event: 'Order Completed', timestamp: '2026-11-11T10:20:00+08:00', properties: { order_id: 'o3' } },
      { type: 'page', messageId: 'B1', anonymousId: 'anon-B', timestamp: '2026-11-15T10:00:00+08:00' },
    ],
  });
  // The storefront retries A1 (same messageId): it must not count twice.
  expect((await call(fw, 'POST', '/v1/batch', pk, { batch: [page] })).body).toMatchObject({ accepted: 0, duplicates: 1 });
  // The visitor who bought as anon-A signs in the next day: everything anon-A did belongs to c2.
  await call(fw, 'POST', '/v1/identify', pk, { messageId: 'A4', anonymousId: 'anon-A', userId: 'c2', timestamp: '2026-11-12T08:00:00+08:00' });
  await fw.projector.drain();
});
afterAll(async () => { await fw?.close(); });

const metrics = async (qs: string) => {
  const res = await call(fw, 'GET', `/v1/metrics?${qs}`, key);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

describe('metrics on a hand-computed month', () => {
  it('computes the order, money and customer metrics of PRODUCT.md', async () => {
    const r = await metrics('metrics=gmv,sales,orders,buyers,per_customer_spend,aov,refunds,net_sales,refund_rate,repurchase_rate,new_buyers,returning_buyer_rate,gross_margin&from=2026-11-01&to=2026-12-01');
    expect(r.totals).toEqual({
      gmv: 10000 + 20000 + 30000 + 8000 + 7000, // cancelled o4 and o5 (paid in Dec) are placed in Nov
      sales: 10000 + 20000 + 30000,
      orders: 3,
      buyers: 2,
      per_customer_spend: 30000,
      aov: 20000,
      refunds: 1000, // r1 lands in December
      net_sales: 59000,
      refund_rate: 1000 / 60000,
      repurchase_rate: 0.5, // c1 paid twice in November, c2 once
      new_buyers: 1, // c2; c1 first paid in October
      returning_buyer_rate: 0.5,
      // cost of goods: o3's 3 x 4000, of which 20% was refunded; unknown SKUs cost 0
      gross_margin: (59000 - 12000 * 0.8) / 59000,
    });
    const dec = await metrics('metrics=sales,refunds,gmv&from=2026-12-01&to=2027-01-01');
    expect(dec.totals).toEqual({ sales: 7000, refunds: 6000, gmv: 0 });
  });

  it('puts 23:59:59 and 00:00:00 local time on their own days', async () => {
    const r = await metrics('metrics=sales,orders&from=2026-11-10&to=2026-11-13&grain=day');
    expect(r.series).toEqual([
      { start: '2026-11-10', values: { sales: 10000, orders: 1 } },
      { start: '2026-11-11', values: { sales: 50000, orders: 2 } },
      { start: '2026-11-12', values: { sales: 0, orders: 0 } },
    ]);
  });

  it('counts visitors after identity stitching, ignores the duplicated event, and splits sessions', async () => {
    const r = await metrics('metrics=uv,pv,conversion_rate,add_to_cart_rate,sessions,bounce_rate,avg_session_duration&from=2026-11-01&to=2026-12-01');
    expect(r.totals).toEqual({
      uv: 3, // c1, c2 (was anon-A), anon-B
      pv: 4, // C1, C2, A1, B1 (A1's retry is a duplicate)
      conversion_rate: 2 / 3,
      add_to_cart_rate: 1 / 3,
      sessions: 5, // c1 on 11-10, c1 on 11-11, anon-A's visit, anon-A's sign-in on 11-12, anon-B
      bounce_rate: 3 / 5, // C1, C2, B1 are single page views
      avg_session_duration: 1200 / 5, // only anon-A's visit lasts: 10:00 -> 10:20
    });
  });

  it('compares with the previous month and breaks down by last-touch channel', async () => {
    const r = await metrics('metrics=sales,buyers,spend,roas,cac&from=2026-11-01&to=2026-12-01&compare=previous_period&breakdown=channel');
    expect(r.previous).toEqual({ from: '2026-10-01', to: '2026-11-01' });
    expect(r.comparison.sales).toEqual({ previous: 5000, change: 55000, changePct: 11 });
    expect(r.totals).toMatchObject({ spend: 21000, roas: 60000 / 21000, cac: 21000 });
    const byChannel = Object.fromEntries(r.breakdown.map((b: { key: string; values: object }) => [b.key, b.values]));
    // o1 and o2: c1 came from WeChat on 11-10 (the 11-11 morning visit is direct, so it does not take the credit)
    expect(byChannel.private_domain).toEqual({ sales: 30000, buyers: 1, spend: 1000, roas: 30, cac: null });
    expect(byChannel.paid_search).toEqual({ sales: 30000, buyers: 1, spend: 20000, roas: 1.5, cac: 20000 });
  });

  it('answers by the hour of the shop\'s day, hours adding up to the day', async () => {
    const r = await metrics('metrics=sales,orders&from=2026-11-11&to=2026-11-12&grain=hour');
    expect(r.series).toHaveLength(24);
    expect(r.series[0]).toEqual({ start: '2026-11-11T00:00', values: { sales: 20000, orders: 1 } }); // o2 at 00:00:00
    expect(r.series.find((s: { start: string }) => s.start === '2026-11-11T12:00').values).toEqual({ sales: 30000, orders: 1 });
    expect(r.series.reduce((a: number, s: { values: { sales: number } }) => a + s.values.sales, 0)).toBe(r.totals.sales);
    // o1 at 23:59:59 on 11-10 is the last hour of the day before
    const before = await metrics('metrics=sales&from=2026-11-10&to=2026-11-11&grain=hour');
    expect(before.series[23]).toEqual({ start: '2026-11-10T23:00', values: { sales: 10000 } });
  });

  it('has no CAC where nothing was spent (—, as ROAS), not ¥0.00', async () => {
    // October: c1's first order, no spend
    const r = await metrics('metrics=new_buyers,spend,cac,roas&from=2026-10-01&to=2026-11-01');
    expect(r.totals).toEqual({ new_buyers: 1, spend: 0, cac: null, roas: null });
  });

  it('filters by a dimension and breaks down by category', async () => {
    const r = await metrics('metrics=sales,orders&from=2026-11-01&to=2026-12-01&filter.channel=paid_search');
    expect(r.totals).toEqual({ sales: 30000, orders: 1 });
    const cat = await metrics('metrics=sales&from=2026-11-01&to=2026-12-01&breakdown=category');
    expect(cat.breakdown).toEqual([{ key: 'unknown', values: { sales: 30000 } }, { key: '服饰', values: { sales: 30000 } }]);
  });

  it('answers null, not NaN, where a denominator is zero, and says what is wrong with a bad query', async () => {
    const r = await metrics('metrics=per_customer_spend,conversion_rate,roas,sales&from=2026-01-01&to=2026-02-01');
    expect(r.totals).toEqual({ per_customer_spend: null, conversion_rate: null, roas: null, sales: 0 });
    const bad = await call(fw, 'GET', '/v1/metrics?metrics=sales,happiness&from=2026-01-01&to=2026-02-01', key);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('metrics[1]');
    const cut = await call(fw, 'GET', '/v1/metrics?metrics=spend&from=2026-01-01&to=2026-02-01&breakdown=province', key);
    expect(cut.status).toBe(400);
    expect(cut.body.error.message).toMatch(/spend cannot be cut by province/);
    const backwards = await call(fw, 'GET', '/v1/metrics?metrics=sales&from=2026-02-01&to=2026-01-01', key);
    expect(backwards.body.error.field).toBe('to');
  });

  it('cuts visitors by channel and province as the per-event definition does', async () => {
    await call(fw, 'POST', '/v1/customers/batch', key, { records: [{ externalId: 'c1', province: '浙江' }, { externalId: 'c2', province: '广东' }] });
    await fw.projector.drain();
    const visitors = 'metrics=uv,pv,add_to_cart_rate&from=2026-11-01&to=2026-12-01';
    const byProvince = await metrics(`${visitors}&breakdown=province`);
    expect(Object.fromEntries(byProvince.breakdown.map((b: { key: string; values: object }) => [b.key, b.values]))).toEqual({
      浙江: { uv: 1, pv: 2, add_to_cart_rate: 0 }, // c1: C1, C2
      广东: { uv: 1, pv: 1, add_to_cart_rate: 1 }, // c2, who was anon-A: A1, and the cart of A2
      unknown: { uv: 1, pv: 1, add_to_cart_rate: 0 }, // anon-B
    });
    expect((await metrics(`${visitors}&filter.province=广东`)).totals).toEqual({ uv: 1, pv: 1, add_to_cart_rate: 1 });
    // By channel, a visitor counts for the channel of each of their sessions.
    const byChannel = await metrics(`${visitors}&breakdown=channel`);
    expect(Object.fromEntries(byChannel.breakdown.map((b: { key: string; values: object }) => [b.key, b.values]))).toEqual({
      paid_search: { uv: 1, pv: 1, add_to_cart_rate: 1 }, // c2's visit (as anon-A) from Baidu ads: A1, and the cart of A2
      private_domain: { uv: 1, pv: 1, add_to_cart_rate: 0 }, // c1 from WeChat on 11-10: C1
      direct: { uv: 3, pv: 2, add_to_cart_rate: 0 }, // c1 on 11-11 (C2), anon-B (B1), c2's sign-in on 11-12 (no page)
    });
  });
});
