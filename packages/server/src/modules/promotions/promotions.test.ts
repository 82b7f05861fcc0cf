/**
 * Promotions, coupons and cart pricing through the HTTP API on a real Flywheel: CRUD and states, bad
 * input named by field, quotes of hand-computed carts, claims (idempotent, limits under
 * concurrency), checkout holds confirmed by payment and released by cancellation or expiry, the
 * refund quote and the promotion's report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InitResult } from '@flywheel/contracts';
import type { Flywheel } from '../../app';
import { addOperator, call, newShop, startFlywheel } from '../../testing/harness';

let fw: Flywheel;

const DAY = 86_400_000;
const window = { startsAt: new Date(Date.now() - DAY).toISOString(), endsAt: new Date(Date.now() + 30 * DAY).toISOString() };

const products = [
  { externalId: 'P-DRESS', title: '连衣裙', category: '服饰/女装/连衣裙', skus: [{ sku: 'DRESS-S', price: 15000, cost: 6000 }, { sku: 'DRESS-M', price: 15000, cost: 6000 }] },
  { externalId: 'P-TEE', title: 'T恤', category: '服饰/男装', skus: [{ sku: 'TEE', price: 8000, cost: 3000 }] },
  { externalId: 'P-SERUM', title: '精华液', category: '美妆/护肤', skus: [{ sku: 'SERUM', price: 30000, cost: 9000 }] },
  { externalId: 'P-GIFT', title: '旅行装', category: '美妆/赠品', skus: [{ sku: 'MINI', price: 3900, cost: 800 }] },
];

/** A shop with the catalogue loaded and seen by the promotions module. */
async function shopWithCatalog(name: string): Promise<{ shop: InitResult; key: string }> {
  const shop = await newShop(fw, name);
  const key = shop.secretKey;
  const loaded = await call(fw, 'POST', '/v1/products/batch', key, { records: products });
  expect(loaded.body.accepted).toBe(products.length);
  await call(fw, 'POST', '/v1/customers/batch', key, { records: [{ externalId: 'c1' }, { externalId: 'c2' }, { externalId: 'c3' }] });
  await fw.runtime.drain();
  return { shop, key };
}

const promo = (body: Record<string, unknown>) => ({ name: '满200减20', kind: 'threshold', ...window, status: 'live', rule: { basis: 'amount', tiers: [{ min: 20000, off: 2000 }] }, ...body });

beforeAll(async () => { fw = await startFlywheel(); });
afterAll(async () => { await fw?.close(); });

describe('promotions: create, list, states', () => {
  let key: string;
  beforeAll(async () => { ({ key } = await shopWithCatalog('CRUD')); });

  it('creates a draft, publishes, pauses and ends it; an ended one stays ended', async () => {
    const created = await call(fw, 'POST', '/v1/promotions', key, promo({ status: 'draft' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'threshold', status: 'draft', scope: { skus: [], categories: [], excludeSkus: [] }, stacking: { group: 'default', exclusive: false }, usage: { uses: 0, discount: 0 }, rule: { repeat: false } });
    const id = created.body.id;
    expect((await call(fw, 'PATCH', `/v1/promotions/${id}`, key, { status: 'paused' })).status).toBe(409);
    expect((await call(fw, 'PATCH', `/v1/promotions/${id}`, key, { status: 'live' })).body.status).toBe('live');
    expect((await call(fw, 'PATCH', `/v1/promotions/${id}`, key, { status: 'paused' })).body.status).toBe('paused');
    expect((await call(fw, 'GET', '/v1/promotions?status=paused', key)).body.promotions.map((p: { id: string }) => p.id)).toEqual([id]);
    expect((await call(fw, 'PATCH', `/v1/promotions/${id}`, key, { status: 'ended' })).body.status).toBe('ended');
    const back = await call(fw, 'PATCH', `/v1/promotions/${id}`, key, { status: 'live' });
    expect(back.status).toBe(409);
    expect(back.body.error.field).toBe('status');
    const later = await call(fw, 'POST', '/v1/promotions', key, promo({ startsAt: new Date(Date.now() + DAY).toISOString() }));
    expect(later.body.status).toBe('scheduled');
    expect((await call(fw, 'GET', `/v1/promotions/${later.body.id}`, key)).body.status).toBe('scheduled');
  });

  it('refuses bad input naming the field: overlapping tiers, a percent over 100, endsAt before startsAt, a rule of another kind', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [promo({ rule: { basis: 'amount', tiers: [{ min: 20000, off: 2000 }, { min: 20000, off: 3000 }] } }), 'rule.tiers[1].min'],
      [promo({ rule: { basis: 'amount', tiers: [{ min: 20000, percentOff: 120 }] } }), 'rule.tiers[0]'],
      [promo({ endsAt: window.startsAt, startsAt: window.endsAt }), 'endsAt'],
      [promo({ kind: 'flash' }), 'kind'],
      [promo({ kind: 'bundle', rule: { quantity: 1, off: 100 } }), 'rule'],
      [promo({ kind: 'timed_discount', rule: { percentOff: 100.001 } }), 'rule'],
    ];
    for (const [body, field] of cases) {
      const res = await call(fw, 'POST', '/v1/promotions', key, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field, JSON.stringify(res.body)).toMatch(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')}`));
    }
    const created = await call(fw, 'POST', '/v1/promotions', key, promo({}));
    const patched = await call(fw, 'PATCH', `/v1/promotions/${created.body.id}`, key, { rule: { quantity: 3, off: 100 } });
    expect(patched.status).toBe(400);
    expect(patched.body.error.field).toMatch(/^rule/);
  });

  it('lets a viewer read promotions but not change them', async () => {
    const { shop } = await shopWithCatalog('Roles');
    const viewer = await addOperator(fw, shop.secretKey, { email: 'viewer@example.com', password: 'correct horse battery', role: 'viewer' });
    expect((await call(fw, 'GET', '/v1/promotions', viewer.token)).status).toBe(200);
    expect((await call(fw, 'POST', '/v1/promotions', viewer.token, promo({}))).status).toBe(403);
    expect((await call(fw, 'POST', '/v1/pricing/quote', viewer.token, { items: [{ sku: 'TEE', quantity: 1 }] })).status).toBe(200);
    expect((await call(fw, 'POST', '/v1/pricing/checkout', viewer.token, { orderId: 'o', items: [{ sku: 'TEE', quantity: 1 }] })).status).toBe(403);
  });
});

describe('quote', () => {
  let key: string;
  beforeAll(async () => {
    ({ key } = await shopWithCatalog('Quote'));
    await call(fw, 'POST', '/v1/promotions', key, promo({ name: '服饰满200减20', scope: { categories: ['服饰'] } }));
    await call(fw, 'POST', '/v1/promotions', key, promo({ name: '3件套立减50', kind: 'bundle', rule: { quantity: 3, off: 5000 }, scope: { categories: ['服饰'] }, stacking: { group: 'bundle' } }));
    await call(fw, 'POST', '/v1/promotions', key, promo({ name: '美妆满赠', kind: 'gift', rule: { tiers: [{ min: 30000, gift: { sku: 'MINI' } }] }, scope: { categories: ['美妆/护肤'] } }));
    await call(fw, 'POST', '/v1/promotions', key, promo({ name: '草稿', status: 'draft', rule: { basis: 'amount', tiers: [{ min: 100, off: 99 }] } }));
  });

  it('prices a cart with every stage named and each line\'s allocation', async () => {
    const res = await call(fw, 'POST', '/v1/pricing/quote', key, { customerId: 'c1', items: [{ sku: 'DRESS-S', quantity: 1 }, { sku: 'TEE', quantity: 1 }, { sku: 'SERUM', quantity: 1 }], shippingFee: 800 });
    expect(res.status).toBe(200);
    const q = res.body;
    // 服饰 lines: 15000 + 8000 = 23000 -> 满200减20; the bundle needs 3 units (再买1件); the serum gets its gift.
    expect(q).toMatchObject({ currency: 'CNY', subtotal: 53000, orderDiscount: 2000, couponDiscount: 0, shippingFee: 800, total: 51800 });
    expect(q.lines.map((l: { sku: string; discount: number; gift: boolean }) => [l.sku, l.discount, l.gift])).toEqual([['DRESS-S', 1304, false], ['TEE', 696, false], ['SERUM', 0, false], ['MINI', 0, true]]);
    expect(q.lines[0].units).toEqual([{ discount: 1304, allocations: [{ source: expect.stringMatching(/^promo_/), amount: 1304 }] }]);
    // The order stage applies the most valuable first: the gift (¥39) before the ¥20 off.
    expect(q.applied.map((a: { name: string }) => a.name)).toEqual(['美妆满赠', '服饰满200减20']);
    expect(q.hints).toMatchObject([{ message: '再买1件 享3件套立减¥50', missingQuantity: 1, missingAmount: null }]);
    expect(q.notApplied.map((n: { code: string }) => n.code)).toEqual(['threshold_not_met']);
    const en = await call(fw, 'POST', '/v1/pricing/quote?lang=en', key, { items: [{ sku: 'DRESS-S', quantity: 1 }, { sku: 'TEE', quantity: 1 }] });
    expect(en.body.hints[0].message).toBe('Buy 1 more to save ¥50 on a set of 3');
  });

  it('names an unknown SKU and prices the rest; refuses a quantity of 0 or 10^9 naming the field', async () => {
    const res = await call(fw, 'POST', '/v1/pricing/quote', key, { items: [{ sku: 'TEE', quantity: 1 }, { sku: 'NOPE', quantity: 2 }] });
    expect(res.body.total).toBe(8000);
    expect(res.body.notApplied[0]).toMatchObject({ source: 'NOPE', code: 'unknown_sku', message: '商品 NOPE 不在商品库中，未计价' });
    for (const quantity of [0, 1e9, 1.5]) {
      const bad = await call(fw, 'POST', '/v1/pricing/quote', key, { items: [{ sku: 'TEE', quantity: 1 }, { sku: 'TEE', quantity }] });
      expect(bad.status).toBe(400);
      expect(bad.body.error.field).toBe('items[1].quantity');
    }
    expect((await call(fw, 'POST', '/v1/pricing/quote', key, { items: [] })).body.error.field).toBe('items');
  });

  it('sees a change to a promotion at once, and catalogue changes once commerce has published them', async () => {
    const before = await call(fw, 'POST', '/v1/pricing/quote', key, { items: [{ sku: 'TEE', quantity: 1 }] });
    expect(before.body.total).toBe(8000);
    const timed = await call(fw, 'POST', '/v1/promotions', key, promo({ name: 'T恤限时9折', kind: 'timed_discount', rule: { percentOff: 10 }, scope: { skus: ['TEE'] } }));
    expect((await call(fw, 'POST', '/v1/pricing/quote', key, { items: [{ sku: 'TEE', quantity: 1 }] })).body.total).toBe(7200);
    await call(fw, 'PATCH', `/v1/promotions/${timed.body.id}`, key, { status: 'paused' });
    expect((await call(fw, 'POST', '/v1/pricing/quote', key, { items: [{ sku: 'TEE', quantity: 1 }] })).body.total).toBe(8000);
    await call(fw, 'POST', '/v1/products/batch', key, { records: [{ ...products[1], skus: [{ sku: 'TEE', price: 9000 }] }] });
    await fw.runtime.drain();
    expect((await call(fw, 'POST', '/v1/pricing/quote', key, { items: [{ sku: 'TEE', quantity: 1 }] })).body.total).toBe(9000);
  });
});

describe('coupons', () => {
  let key: string;
  beforeAll(async () => { ({ key } = await shopWithCatalog('Coupons')); });

  const template = (body: Record<string, unknown> = {}) => ({ name: '满100减10券', discount: { off: 1000 }, minSpend: 10000, validity: { days: 7 }, total: 100, perCustomer: 1, ...body });

  it('claims idempotently by key, within the per-customer limit, and lists a customer\'s coupons', async () => {
    const t = await call(fw, 'POST', '/v1/coupon-templates', key, template({ perCustomer: 2 }));
    expect(t.status).toBe(201);
    expect(t.body).toMatchObject({ issued: 0, remaining: 100, held: 0, redeemed: 0, stacking: { group: 'coupon', exclusive: false } });
    const first = await call(fw, 'POST', '/v1/coupons/claim', key, { templateId: t.body.id, customerId: 'c1', idempotencyKey: 'k1' });
    expect(first.status).toBe(201);
    expect(first.body.code).toMatch(/^[A-Z2-9]{12}$/);
    const again = await call(fw, 'POST', '/v1/coupons/claim', key, { templateId: t.body.id, customerId: 'c1', idempotencyKey: 'k1' });
    expect(again.body).toEqual(first.body);
    expect((await call(fw, 'POST', '/v1/coupons/claim', key, { templateId: t.body.id, customerId: 'c1', idempotencyKey: 'k2' })).status).toBe(201);
    const third = await call(fw, 'POST', '/v1/coupons/claim', key, { templateId: t.body.id, customerId: 'c1', idempotencyKey: 'k3' });
    expect(third.status).toBe(409);
    expect(third.body.error.code).toBe('limit_reached');
    const mine = await call(fw, 'GET', '/v1/coupons?customerId=c1', key);
    expect(mine.body.coupons).toHaveLength(2);
    expect(mine.body.coupons[0]).toMatchObject({ templateId: t.body.id, name: '满100减10券', state: 'available', orderId: null });
    expect((await call(fw, 'GET', `/v1/coupon-templates/${t.body.id}`, key)).body).toMatchObject({ issued: 2, remaining: 98 });
  });

  it('5,000 concurrent claims of a 500-coupon template give exactly 500', async () => {
    const t = await call(fw, 'POST', '/v1/coupon-templates', key, template({ total: 500, perCustomer: 1000 }));
    const results = await Promise.all(Array.from({ length: 5000 }, (_, i) => call(fw, 'POST', '/v1/coupons/claim', key, { templateId: t.body.id, customerId: `c${i % 3 + 1}`, idempotencyKey: `flood-${i}` })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(500);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'sold_out')).toBe(true);
    expect((await call(fw, 'GET', `/v1/coupon-templates/${t.body.id}`, key)).body).toMatchObject({ issued: 500, remaining: 0 });
  });

  it('makes codes in bulk against the total; a coupon prices in a quote and refuses another customer', async () => {
    const t = await call(fw, 'POST', '/v1/coupon-templates', key, template({ total: 5, discount: { percentOff: 15, maxOff: 3000 } }));
    expect((await call(fw, 'POST', `/v1/coupon-templates/${t.body.id}/codes`, key, { count: 6 })).body.error.code).toBe('sold_out');
    const codes = await call(fw, 'POST', `/v1/coupon-templates/${t.body.id}/codes`, key, { count: 4 });
    expect(codes.status).toBe(201);
    expect(codes.body.codes).toHaveLength(4);
    const claimed = await call(fw, 'POST', '/v1/coupons/claim', key, { templateId: t.body.id, customerId: 'c2', idempotencyKey: 'x' });
    const q = await call(fw, 'POST', '/v1/pricing/quote', key, { customerId: 'c1', items: [{ sku: 'TEE', quantity: 3 }], couponCodes: [codes.body.codes[0], claimed.body.code, 'NOSUCH'] });
    expect(q.body.couponDiscount).toBe(3000); // 15% of 24000 = 3600, capped at 3000
    expect(q.body.notApplied.map((n: { code: string }) => n.code)).toEqual(['coupon_of_another_customer', 'unknown_coupon']);
  });
});

describe('checkout and holds', () => {
  let key: string;
  let threshold: string;
  beforeAll(async () => {
    ({ key } = await shopWithCatalog('Checkout'));
    threshold = (await call(fw, 'POST', '/v1/promotions', key, promo({ budget: { maxUses: 2 } }))).body.id;
  });

  const order = (id: string, customerId: string, status: string, paidAmount: number, items = [{ sku: 'DRESS-S', quantity: 2, unitPrice: 15000 }], paid = false) => ({
    externalId: id, customerId, status, placedAt: '2026-06-18T10:00:00+08:00', items, payableAmount: paidAmount,
    ...(status === 'paid' || status === 'shipped' ? { paidAt: '2026-06-18T10:05:00+08:00', paidAmount } : {}),
    ...(status === 'cancelled' ? { cancelledAt: '2026-06-18T10:10:00+08:00' } : {}),
    ...(status === 'cancelled' && paid ? { paidAt: '2026-06-18T10:05:00+08:00', paidAmount } : {}),
  });

  it('holds the coupon and the budget; the same orderId answers the same; another cart under it is refused', async () => {
    const t = await call(fw, 'POST', '/v1/coupon-templates', key, { name: '10元券', discount: { off: 1000 }, validity: { days: 7 }, total: 10 });
    const coupon = (await call(fw, 'POST', '/v1/coupons/claim', key, { templateId: t.body.id, customerId: 'c1', idempotencyKey: 'h1' })).body.code;
    const body = { orderId: 'ord-1', customerId: 'c1', items: [{ sku: 'DRESS-S', quantity: 2 }], couponCodes: [coupon] };
    const first = await call(fw, 'POST', '/v1/pricing/checkout', key, body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ orderId: 'ord-1', subtotal: 30000, orderDiscount: 2000, couponDiscount: 1000, total: 27000, hold: { id: expect.stringMatching(/^hold_/), state: 'held' } });
    expect(Date.parse(first.body.hold.expiresAt) - Date.now()).toBeGreaterThan(29 * 60_000);
    expect((await call(fw, 'POST', '/v1/pricing/checkout', key, body)).body).toEqual(first.body);
    const other = await call(fw, 'POST', '/v1/pricing/checkout', key, { ...body, items: [{ sku: 'TEE', quantity: 1 }] });
    expect(other.status).toBe(409);
    expect(other.body.error.field).toBe('orderId');
    // Held for ord-1, the coupon does not price another order.
    const elsewhere = await call(fw, 'POST', '/v1/pricing/quote', key, { customerId: 'c1', items: [{ sku: 'DRESS-S', quantity: 2 }], couponCodes: [coupon] });
    expect(elsewhere.body.notApplied).toMatchObject([{ source: coupon, code: 'coupon_held' }]);
    expect((await call(fw, 'GET', `/v1/promotions/${threshold}`, key)).body.usage).toEqual({ uses: 1, discount: 2000 });

    // Paid: confirmed, the coupon redeemed, the report counts it.
    await call(fw, 'POST', '/v1/orders/batch', key, { records: [order('ord-1', 'c1', 'paid', 27000)] });
    await fw.runtime.drain();
    expect((await call(fw, 'POST', '/v1/pricing/checkout', key, body)).body.hold.state).toBe('confirmed');
    expect((await call(fw, 'GET', '/v1/coupons?customerId=c1', key)).body.coupons[0]).toMatchObject({ code: coupon, state: 'redeemed', orderId: 'ord-1' });
    const report = await call(fw, 'GET', `/v1/promotions/${threshold}/report`, key);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ orders: 1, buyers: 1, sales: 27000, discountCost: 2000, salesPerDiscount: 13.5, budgetUsed: { uses: 1, maxUses: 2, share: 0.5 }, held: { orders: 0 } });
    expect(report.body.daily).toEqual([{ date: '2026-06-18', orders: 1, sales: 27000, discountCost: 2000 }]);
    // The metric layer cuts the shop's sales by promotion, the promotion named; an order without one is (none).
    await call(fw, 'POST', '/v1/orders/batch', key, { records: [order('ord-plain', 'c9', 'paid', 5000, [{ sku: 'TEE', quantity: 1, unitPrice: 5000 }])] });
    await fw.projector.drain();
    const byPromotion = await call(fw, 'GET', '/v1/metrics?metrics=sales,orders&from=2026-06-18&to=2026-06-19&breakdown=promotion', key);
    expect(byPromotion.body.breakdown).toEqual([
      { key: threshold, label: '满200减20', values: { sales: 27000, orders: 1 } },
      { key: '(none)', values: { sales: 5000, orders: 1 } },
    ]);
    expect((await call(fw, 'GET', `/v1/metrics?metrics=sales&from=2026-06-18&to=2026-06-19&filter.promotion=${threshold}`, key)).body.totals).toEqual({ sales: 27000 });
    // The 复盘 of June counts what the promotion cost.
    const review = await call(fw, 'GET', '/v1/reviews?month=2026-06&asOf=2026-07-02', key);
    expect(review.body.promotions).toEqual([{ id: threshold, name: '满200减20', orders: 1, sales: 27000, discountCost: 2000, salesPerDiscount: 13.5 }]);

    // A refund of one unit returns what that unit paid.
    const refund = await call(fw, 'POST', '/v1/pricing/refund-quote', key, { orderId: 'ord-1', items: [{ sku: 'DRESS-S', quantity: 1 }] });
    expect(refund.body).toMatchObject({ amount: 13500, points: 0, couponReturned: false });
    const all = await call(fw, 'POST', '/v1/pricing/refund-quote', key, { orderId: 'ord-1', items: [{ sku: 'DRESS-S', quantity: 2 }] });
    expect(all.body).toMatchObject({ amount: 27000, couponReturned: true });
    expect((await call(fw, 'POST', '/v1/pricing/refund-quote', key, { orderId: 'ord-1', items: [{ sku: 'DRESS-S', quantity: 3 }] })).body.error.field).toBe('items[0].quantity');

    // Cancelled after payment: reversed, the coupon back, the report without it.
    const cancelled = await call(fw, 'POST', '/v1/orders/batch', key, { records: [order('ord-1', 'c1', 'cancelled', 27000, undefined, true)] });
    expect(cancelled.body.rejected).toEqual([]);
    await fw.runtime.drain();
    expect((await call(fw, 'POST', '/v1/pricing/checkout', key, body)).body.hold.state).toBe('reversed');
    expect((await call(fw, 'GET', '/v1/coupons?customerId=c1', key)).body.coupons[0]).toMatchObject({ state: 'available' });
    expect((await call(fw, 'GET', `/v1/promotions/${threshold}/report`, key)).body).toMatchObject({ orders: 0, sales: 0, discountCost: 0 });
    await fw.projector.drain();
    expect((await call(fw, 'GET', `/v1/metrics?metrics=orders&from=2026-06-18&to=2026-06-19&filter.promotion=${threshold}`, key)).body.totals).toEqual({ orders: 0 });
  });

  it('a budget of 2 uses gives 2 orders; a released hold gives its use back', async () => {
    const cart = (orderId: string) => ({ orderId, customerId: 'c2', items: [{ sku: 'DRESS-M', quantity: 2 }] });
    expect((await call(fw, 'POST', '/v1/pricing/checkout', key, cart('b-1'))).body.orderDiscount).toBe(2000);
    expect((await call(fw, 'POST', '/v1/pricing/checkout', key, cart('b-2'))).body.orderDiscount).toBe(2000);
    const third = await call(fw, 'POST', '/v1/pricing/checkout', key, cart('b-3'));
    expect(third.body.orderDiscount).toBe(0);
    expect(third.body.notApplied).toMatchObject([{ source: threshold, code: 'budget_exhausted' }]);
    // b-1 is cancelled unpaid: its use comes back.
    await call(fw, 'POST', '/v1/orders/batch', key, { records: [order('b-1', 'c2', 'cancelled', 28000, [{ sku: 'DRESS-M', quantity: 2, unitPrice: 15000 }])] });
    await fw.runtime.drain();
    expect((await call(fw, 'POST', '/v1/pricing/checkout', key, cart('b-4'))).body.orderDiscount).toBe(2000);
    // b-2 expires unpaid (the clock 31 minutes on): its use comes back too.
    await fw.runtime.jobs.work(new Date(Date.now() + 31 * 60_000));
    await fw.runtime.jobs.work();
    expect((await call(fw, 'POST', '/v1/pricing/checkout', key, cart('b-2'))).body.hold.state).toBe('released');
    expect((await call(fw, 'POST', '/v1/pricing/checkout', key, cart('b-5'))).body.orderDiscount).toBe(2000);
  });

  it('1,000 concurrent checkouts with one single-use coupon: exactly one holds it', async () => {
    const t = await call(fw, 'POST', '/v1/coupon-templates', key, { name: '一次券', discount: { off: 500 }, validity: { days: 7 }, total: 1 });
    const codes = await call(fw, 'POST', `/v1/coupon-templates/${t.body.id}/codes`, key, { count: 1 });
    const code = codes.body.codes[0];
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => call(fw, 'POST', '/v1/pricing/checkout', key, { orderId: `race-${i}`, customerId: `c${(i % 3) + 1}`, items: [{ sku: 'TEE', quantity: 1 }], couponCodes: [code] })));
    expect(results.every((r) => r.status === 201)).toBe(true);
    const winners = results.filter((r) => r.body.couponDiscount === 500);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.body.couponDiscount === 0).every((r) => r.body.notApplied.some((n: { code: string }) => n.code === 'coupon_held' || n.code === 'coupon_of_another_customer'))).toBe(true);
  });
});

describe('audiences from the customers module', () => {
  let key: string;
  beforeAll(async () => {
    ({ key } = await shopWithCatalog('Audiences'));
    await call(fw, 'POST', '/v1/customers/batch', key, { records: [{ externalId: 'gd', province: '广东' }, { externalId: 'zj', province: '浙江' }] });
  });

  it('new customers only: a customer without a paid order, until their first one', async () => {
    const fresh = (await call(fw, 'POST', '/v1/promotions', key, promo({ name: '新人立减', rule: { basis: 'amount', tiers: [{ min: 100, off: 500 }] }, audience: { newCustomersOnly: true } }))).body.id;
    const quote = (customerId?: string) => call(fw, 'POST', '/v1/pricing/quote', key, { ...(customerId ? { customerId } : {}), items: [{ sku: 'TEE', quantity: 1 }] });
    expect((await quote('gd')).body.orderDiscount).toBe(500);
    expect((await quote()).body.notApplied).toMatchObject([{ source: fresh, code: 'guest' }]);
    await call(fw, 'POST', '/v1/orders/batch', key, { records: [{ externalId: 'first', customerId: 'gd', status: 'paid', placedAt: '2026-06-01T10:00:00+08:00', paidAt: '2026-06-01T10:00:00+08:00', items: [{ sku: 'TEE', quantity: 1, unitPrice: 8000 }], payableAmount: 8000 }] });
    await fw.projector.drain();
    expect((await quote('gd')).body.notApplied).toMatchObject([{ source: fresh, code: 'not_in_audience' }]);
    await call(fw, 'PATCH', `/v1/promotions/${fresh}`, key, { status: 'ended' });
  });

  it('a segment: its members now', async () => {
    await fw.projector.drain();
    const segment = await call(fw, 'POST', '/v1/segments', key, { name: '广东', rule: { field: 'province', op: 'eq', value: '广东' } });
    expect(segment.status).toBe(201);
    await call(fw, 'POST', '/v1/promotions', key, promo({ name: '广东专享', rule: { basis: 'amount', tiers: [{ min: 100, off: 300 }] }, audience: { segment: segment.body.id } }));
    const quote = (customerId: string) => call(fw, 'POST', '/v1/pricing/quote', key, { customerId, items: [{ sku: 'TEE', quantity: 1 }] });
    expect((await quote('gd')).body.orderDiscount).toBe(300);
    expect((await quote('zj')).body.orderDiscount).toBe(0);
  });
});

describe('points from the loyalty module', () => {
  let key: string;
  beforeAll(async () => { ({ key } = await shopWithCatalog('Points')); });

  it('pays at most half with points (100 a 元), spends them at checkout and gives them back when the order is cancelled', async () => {
    const adjusted = await call(fw, 'POST', '/v1/points/adjust', key, { customerId: 'c1', amount: 10_000, reason: 'test', idempotencyKey: 'p1' });
    expect(adjusted.status).toBeLessThan(300);
    const available = async () => (await call(fw, 'GET', '/v1/customers/c1/points', key)).body.available;
    expect(await available()).toBe(10_000);
    const body = { customerId: 'c1', items: [{ sku: 'TEE', quantity: 1 }], points: 6000 };
    const quote = await call(fw, 'POST', '/v1/pricing/quote', key, body);
    // At most half of ¥80: ¥40 for 4,000 points.
    expect(quote.body).toMatchObject({ pointsUsed: 4000, pointsDeduction: 4000, total: 4000 });
    expect(quote.body.notApplied).toMatchObject([{ source: 'points', code: 'points_capped' }]);
    const checkout = await call(fw, 'POST', '/v1/pricing/checkout', key, { ...body, orderId: 'pts-1' });
    expect(checkout.body).toMatchObject({ pointsUsed: 4000, total: 4000 });
    expect(await available()).toBe(6000);
    const refund = await call(fw, 'POST', '/v1/pricing/refund-quote', key, { orderId: 'pts-1', items: [{ sku: 'TEE', quantity: 1 }] });
    expect(refund.body).toMatchObject({ amount: 4000, points: 4000 });
    await call(fw, 'POST', '/v1/orders/batch', key, { records: [{ externalId: 'pts-1', customerId: 'c1', status: 'cancelled', placedAt: '2026-06-18T10:00:00+08:00', cancelledAt: '2026-06-18T10:30:00+08:00', items: [{ sku: 'TEE', quantity: 1, unitPrice: 8000 }], payableAmount: 4000 }] });
    await fw.runtime.drain();
    expect(await available()).toBe(10_000);
  });
});
