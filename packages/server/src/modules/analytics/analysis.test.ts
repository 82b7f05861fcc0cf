import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../../app';
import { call, newShop, startFlywheel } from '../../testing/harness';
import { cohorts } from './cohorts';

let fw: Flywheel;
let sk: string;
let pk: string;

const ev = (person: string, event: string, at: string, properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  ({ type: 'track', messageId: `${person}-${event}-${at}`, userId: person, event, timestamp: at, properties, ...extra });
const paid = (id: string, customerId: string, amount: number, at: string, sku = 'S1') =>
  ({ externalId: id, customerId, status: 'paid', placedAt: at, paidAt: at, items: [{ sku, quantity: 1, unitPrice: amount }], payableAmount: amount });

beforeAll(async () => {
  fw = await startFlywheel();
  const shop = await newShop(fw);
  sk = shop.secretKey;
  pk = shop.publishableKey;
  const d = (day: number, time: string) => `2026-11-${String(day).padStart(2, '0')}T${time}:00+08:00`;
  const ads = { context: { campaign: { source: 'baidu', medium: 'cpc' } } };
  await call(fw, 'POST', '/v1/batch', pk, {
    batch: [
      // p1 goes all the way, landing from Baidu ads
      ev('p1', 'Product Viewed', d(2, '10:00'), { category: '服饰' }, ads), ev('p1', 'Product Added', d(2, '10:05')), ev('p1', 'Checkout Started', d(2, '10:10')), ev('p1', 'Order Completed', d(2, '10:20')),
      // p2 adds to cart a minute after viewing, then leaves
      ev('p2', 'Product Viewed', d(2, '10:00'), { category: '服饰' }), ev('p2', 'Product Added', d(2, '10:01')),
      // p3 added before viewing: out of order, so only step 1
      ev('p3', 'Product Added', d(3, '09:00')), ev('p3', 'Product Viewed', d(3, '10:00'), { category: '服饰' }),
      // p4's first attempt runs out of the 7-day window, the second one (day 8 -> day 9) reaches step 2
      ev('p4', 'Product Viewed', d(1, '10:00'), { category: '服饰' }), ev('p4', 'Product Viewed', d(8, '10:00'), { category: '服饰' }), ev('p4', 'Product Added', d(9, '09:00')),
      // p5 views a cosmetics product only
      ev('p5', 'Product Viewed', d(4, '10:00'), { category: '美妆' }), ev('p5', 'Product Added', d(4, '10:02')),
    ],
  });
  await fw.projector.drain();
});
afterAll(async () => { await fw?.close(); });

const steps = [{ event: 'Product Viewed', where: { category: '服饰' } }, { event: 'Product Added' }, { event: 'Checkout Started' }, { event: 'Order Completed' }];

describe('funnels', () => {
  it('counts people by their best ordered attempt within the window', async () => {
    const res = await call(fw, 'POST', '/v1/funnels', sk, { steps, window: '7d', from: '2026-11-01', to: '2026-12-01' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.steps.map((s: { people: number }) => s.people)).toEqual([4, 3, 1, 1]);
    expect(res.body.steps[1]).toMatchObject({ conversionFromPrevious: 0.75, conversionFromFirst: 0.75, medianSecondsFromPrevious: 300 }); // median of 60, 300, 82800
    expect(res.body.steps[2]).toMatchObject({ conversionFromPrevious: 1 / 3, conversionFromFirst: 0.25 });
    expect(res.body.steps[0].medianSecondsFromPrevious).toBeNull();
  });

  it('breaks down by the channel of the first step and lists who dropped out', async () => {
    const res = await call(fw, 'POST', '/v1/funnels', sk, { steps, from: '2026-11-01', to: '2026-12-01', breakdown: 'channel' });
    const byChannel = Object.fromEntries(res.body.breakdown.map((b: { key: string; steps: { people: number }[] }) => [b.key, b.steps.map((s) => s.people)]));
    expect(byChannel).toEqual({ direct: [3, 2, 0, 0], paid_search: [1, 1, 1, 1] });
    const dropped = await call(fw, 'POST', '/v1/funnels/people', sk, { steps, from: '2026-11-01', to: '2026-12-01', step: 3 });
    expect(dropped.body.people).toEqual(['p2', 'p4']);
  });

  it('refuses a one-step funnel and a bad window with the field named', async () => {
    const one = await call(fw, 'POST', '/v1/funnels', sk, { steps: [{ event: 'x' }], from: '2026-11-01', to: '2026-12-01' });
    expect(one.body.error.field).toBe('steps');
    const win = await call(fw, 'POST', '/v1/funnels', sk, { steps, window: 'a week', from: '2026-11-01', to: '2026-12-01' });
    expect(win.body.error.field).toBe('window');
    const decades = await call(fw, 'POST', '/v1/funnels', sk, { steps, window: '999999999999d', from: '2026-11-01', to: '2026-12-01' });
    expect(decades.status).toBe(400);
    expect(decades.body.error).toMatchObject({ field: 'window', message: expect.stringMatching(/at most 366d/) });
  });
});

describe('cohorts, attribution, products', () => {
  let shopKey: string;
  let shopPk: string;
  beforeAll(async () => {
    const shop = await newShop(fw);
    shopKey = shop.secretKey;
    shopPk = shop.publishableKey;
    await call(fw, 'POST', '/v1/products/batch', shopKey, { records: [
      { externalId: 'P1', title: '连衣裙', category: '服饰/女装', skus: [{ sku: 'S1', price: 10000, cost: 4000 }] },
      { externalId: 'P2', title: '口红', category: '美妆/彩妆', skus: [{ sku: 'S2', price: 20000, cost: 5000 }] },
    ] });
    await call(fw, 'POST', '/v1/orders/batch', shopKey, { records: [
      paid('a1', 'c1', 10000, '2026-01-10T10:00:00+08:00'), paid('a2', 'c1', 5000, '2026-02-05T10:00:00+08:00'), paid('a3', 'c1', 3000, '2026-04-01T10:00:00+08:00'),
      paid('b1', 'c2', 20000, '2026-01-20T10:00:00+08:00', 'S2'),
      paid('d1', 'c3', 8000, '2026-02-15T10:00:00+08:00'), paid('d2', 'c3', 4000, '2026-03-01T10:00:00+08:00'),
      paid('n1', 'c4', 1000, '2026-11-05T10:00:00+08:00'),
      paid('k1', 'c9', 10000, '2026-11-03T12:00:00+08:00'),
    ] });
    await call(fw, 'POST', '/v1/refunds/batch', shopKey, { records: [{ externalId: 'rb1', orderId: 'b1', amount: 2000, createdAt: '2026-02-02T10:00:00+08:00' }] });
    await call(fw, 'POST', '/v1/batch', shopPk, { batch: [
      { type: 'page', messageId: 'k-1', userId: 'c9', timestamp: '2026-11-01T10:00:00+08:00', context: { campaign: { source: 'li_jiaqi', medium: 'kol' } } },
      { type: 'page', messageId: 'k-2', userId: 'c9', timestamp: '2026-11-03T11:50:00+08:00', context: { campaign: { source: 'baidu', medium: 'cpc' } } },
      { type: 'page', messageId: 'k-3', userId: 'c9', timestamp: '2026-11-03T11:55:00+08:00' },
      { type: 'track', messageId: 'v-1', userId: 'c1', event: 'Product Viewed', timestamp: '2026-01-09T10:00:00+08:00', properties: { product_id: 'P1', sku: 'S1', category: '服饰/女装' } },
      { type: 'track', messageId: 'v-2', userId: 'c7', event: 'Product Viewed', timestamp: '2026-01-09T10:00:00+08:00', properties: { product_id: 'P1', sku: 'S1', category: '服饰/女装' } },
    ] });
    await fw.projector.drain();
  });

  it('gives retention and LTV per monthly cohort of first orders', async () => {
    const retention = await call(fw, 'GET', '/v1/cohorts?by=first_order&grain=month&measure=retention&from=2026-01-01&to=2026-03-01&periods=4', shopKey);
    expect(retention.status, JSON.stringify(retention.body)).toBe(200);
    expect(retention.body.cohorts).toEqual([
      { cohort: '2026-01-01', size: 2, values: [1, 0.5, 0, 0.5] },
      { cohort: '2026-02-01', size: 1, values: [1, 1, 0, 0] },
    ]);
    const ltv = await call(fw, 'GET', '/v1/cohorts?measure=ltv&from=2026-01-01&to=2026-03-01&periods=4', shopKey);
    expect(ltv.body.cohorts).toEqual([
      { cohort: '2026-01-01', size: 2, values: [15000, 16500, 16500, 18000] }, // c2's 2,000 refund lands in February
      { cohort: '2026-02-01', size: 1, values: [8000, 12000, 12000, 12000] },
    ]);
  });

  it('leaves out periods that have not ended yet', async () => {
    const shop = { shopId: (await call(fw, 'GET', '/v1/shop', shopKey)).body.id, timezone: 'Asia/Shanghai', currency: 'CNY' };
    const q = { by: 'first_order', grain: 'month', measure: 'retention', from: '2026-11-01', to: '2026-12-01', periods: 3 } as const;
    const during = await cohorts(fw.analytics.store, shop, q, new Date('2026-11-28T12:00:00+08:00'));
    const after = await cohorts(fw.analytics.store, shop, q, new Date('2026-12-15T12:00:00+08:00'));
    expect(during.cohorts).toEqual([{ cohort: '2026-11-01', size: 2, values: [] }]); // c4 and c9
    expect(after.cohorts).toEqual([{ cohort: '2026-11-01', size: 2, values: [1] }]);
  });

  it('gives activity per weekly cohort of first visits', async () => {
    const shop = { shopId: (await call(fw, 'GET', '/v1/shop', shopKey)).body.id, timezone: 'Asia/Shanghai', currency: 'CNY' };
    const q = { by: 'first_visit', grain: 'week', measure: 'activity', from: '2026-01-01', to: '2026-12-01', periods: 4 } as const;
    const res = await cohorts(fw.analytics.store, shop, q, new Date('2027-01-15T12:00:00+08:00'));
    expect(res.cohorts).toEqual([
      { cohort: '2026-01-05', size: 2, values: [1, 0, 0, 0] }, // c1 and c7 view on Friday 01-09; c1's later orders are no visits
      { cohort: '2026-10-26', size: 1, values: [1, 1, 0, 0] }, // c9: Sunday 11-01, then twice on Tuesday 11-03
    ]);
  });

  it('credits the last non-direct touch or the first touch', async () => {
    const last = await call(fw, 'GET', '/v1/attribution?model=last_touch&from=2026-11-01&to=2026-12-01', shopKey);
    const first = await call(fw, 'GET', '/v1/attribution?model=first_touch&from=2026-11-01&to=2026-12-01', shopKey);
    const sales = (body: { channels: { channel: string; sales: number }[] }) => Object.fromEntries(body.channels.filter((c) => c.sales > 0).map((c) => [c.channel, c.sales]));
    expect(sales(last.body)).toEqual({ paid_search: 10000, direct: 1000 }); // c4 has no tracked visit: direct
    expect(sales(first.body)).toEqual({ kol: 10000, direct: 1000 });
    const kol = last.body.channels.find((c: { channel: string }) => c.channel === 'kol');
    expect(kol).toMatchObject({ visitors: 1, buyers: 0, sales: 0 });
  });

  it('reports product traffic, conversion, refunds and margin per SPU', async () => {
    const res = await call(fw, 'GET', '/v1/products/analytics?from=2026-01-01&to=2026-02-01&level=spu', shopKey);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const p1 = res.body.items.find((i: { key: string }) => i.key === 'P1');
    const p2 = res.body.items.find((i: { key: string }) => i.key === 'P2');
    expect(p1).toMatchObject({ title: '连衣裙', views: 2, visitors: 2, buyers: 1, units: 1, sales: 10000, conversionRate: 0.5, refundRate: 0, grossMargin: 0.6 });
    // b1's 2,000 refund is created in February: January's refund rate is 0, as the metric layer counts refunds.
    expect(p2).toMatchObject({ sales: 20000, refundRate: 0, grossMargin: (20000 - 5000 * 0.9) / 20000 });
    const quarter = await call(fw, 'GET', '/v1/products/analytics?from=2026-01-01&to=2026-04-01&level=spu', shopKey);
    expect(quarter.body.items.find((i: { key: string }) => i.key === 'P2')).toMatchObject({ sales: 20000, refundRate: 0.1, grossMargin: (18000 - 5000 * 0.9) / 18000 });
  });

  it('gives per product what the metrics API gives for that product (one metric layer)', async () => {
    const products = (await call(fw, 'GET', '/v1/products/analytics?from=2026-01-01&to=2026-04-01&level=spu', shopKey)).body.items as { key: string; sales: number; buyers: number; refundRate: number | null; grossMargin: number | null }[];
    const byProduct = (await call(fw, 'GET', '/v1/metrics?metrics=sales,buyers,refund_rate,gross_margin&from=2026-01-01&to=2026-04-01&breakdown=product', shopKey)).body.breakdown as { key: string; values: Record<string, number | null> }[];
    expect(products.length).toBeGreaterThan(1);
    for (const p of products) {
      const m = byProduct.find((b) => b.key === p.key)!.values;
      expect([p.sales, p.buyers, p.refundRate, p.grossMargin]).toEqual([m.sales, m.buyers, m.refund_rate, m.gross_margin]);
    }
    const p2 = await call(fw, 'GET', '/v1/metrics?metrics=sales&from=2026-01-01&to=2026-04-01&filter.product=P2', shopKey);
    expect(p2.body.totals.sales).toBe(20000);
  });
});
