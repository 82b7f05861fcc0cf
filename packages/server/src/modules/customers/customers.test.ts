/**
 * The customers module through its HTTP API on a real Flywheel: a small shop whose lifecycle and RFM
 * are computed by hand below (ties at the mean, a fully refunded order, one order 91 days ago).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InitResult } from '@flywheel/contracts';
import type { Flywheel } from '../../app';
import { addDays, localDateOf } from '../../platform/timezone';
import { addOperator, call, newShop, startFlywheel } from '../../testing/harness';

let fw: Flywheel;
let shop: InitResult;
let key: string;
const today = localDateOf(new Date(), 'Asia/Shanghai');
/** Noon, Shanghai time, `n` days before today. */
const daysAgo = (n: number) => `${addDays(today, -n)}T12:00:00+08:00`;

const order = (id: string, customerId: string, amount: number, days: number, category = 'P-BEAUTY') => ({
  externalId: id, customerId, status: 'paid', placedAt: daysAgo(days), paidAt: daysAgo(days),
  items: [{ sku: category, quantity: 1, unitPrice: amount }], payableAmount: amount,
});

/**
 * R (days since the last purchase), F (purchases in the 365 days), M (their net sales):
 *   a: 10, 2, 30000  (orders 10 and 60 days ago)        -> R high, F high, M high: important_value
 *   b: 91, 1, 10000                                      -> general_retain
 *   c:  5, 1, 40000                                      -> important_develop
 *   f: 194, 1, 10000                                     -> general_retain
 *   g: 75, 1, 22500  (30000 paid, 7500 refunded)         -> important_develop
 * Means: R = 375 / 5 = 75 (g ties it: high), F = 6 / 5 = 1.2, M = 112500 / 5 = 22500 (g ties it: high).
 * d's only order was fully refunded: no purchase, so a prospect, as is e (no order at all).
 */
const fixture = {
  customers: [
    { externalId: 'a', name: '张伟', phone: '13812345678', email: 'zhang.wei@example.com', province: '广东', city: '深圳', gender: 'male', tags: ['vip'] },
    { externalId: 'b', name: '李娜', phone: '13900001111', province: '广东', city: '广州', gender: 'female' },
    { externalId: 'c', name: '王芳', phone: '13700002222', province: '浙江', city: '杭州', gender: 'female', tags: ['vip', 'wholesale'] },
    { externalId: 'd', name: '刘洋', phone: '13600003333', province: '北京', gender: 'male' },
    { externalId: 'e', name: '陈静', phone: '13500004444', province: '广东', gender: 'female', registeredAt: daysAgo(3) },
    { externalId: 'f', name: '杨磊', phone: '13400005555', province: '上海', gender: 'male' },
    { externalId: 'g', name: '赵敏', phone: '13300006666', province: '广东', city: '佛山', gender: 'female' },
  ],
  orders: [
    order('o-a1', 'a', 10000, 10), order('o-a2', 'a', 20000, 60, 'P-BOOK'),
    order('o-b1', 'b', 10000, 91),
    order('o-c1', 'c', 40000, 5),
    order('o-d1', 'd', 8000, 20),
    order('o-f1', 'f', 10000, 194),
    order('o-g1', 'g', 30000, 75),
  ],
  refunds: [
    { externalId: 'r-d1', orderId: 'o-d1', amount: 8000, createdAt: daysAgo(18) },
    { externalId: 'r-g1', orderId: 'o-g1', amount: 7500, createdAt: daysAgo(70) },
  ],
};

async function load(s: InitResult) {
  const products = [
    { externalId: 'P-BEAUTY', title: '精华液', category: '美妆/护肤/精华', skus: [{ sku: 'P-BEAUTY', price: 10000 }] },
    { externalId: 'P-BOOK', title: '小说', category: '图书/文学', skus: [{ sku: 'P-BOOK', price: 5000 }] },
  ];
  for (const [entity, records] of [['products', products], ['customers', fixture.customers], ['orders', fixture.orders], ['refunds', fixture.refunds]] as const) {
    const r = await call(fw, 'POST', `/v1/${entity}/batch`, s.secretKey, { records });
    expect(r.body.rejected, entity).toEqual([]);
  }
  // a visited twice, on a phone first anonymous and then signed in; b added to cart this week.
  const track = (body: object) => call(fw, 'POST', '/v1/track', s.publishableKey, body);
  await call(fw, 'POST', '/v1/page', s.publishableKey, { anonymousId: 'phone-a', messageId: 'a1', timestamp: daysAgo(12), context: { page: { url: 'https://shop.cn/?utm_source=xiaohongshu' } } });
  await call(fw, 'POST', '/v1/identify', s.publishableKey, { anonymousId: 'phone-a', userId: 'a', messageId: 'a2', timestamp: daysAgo(12), traits: { phone: '13812345678' } });
  await track({ userId: 'a', event: 'Product Added', messageId: 'a3', timestamp: daysAgo(11), properties: { sku: 'P-BEAUTY', category: '美妆' } });
  await track({ userId: 'b', event: 'Product Added', messageId: 'b1', timestamp: daysAgo(2), properties: { sku: 'P-BEAUTY', category: '美妆' } });
  await track({ userId: 'b', event: 'Product Added', messageId: 'b2', timestamp: daysAgo(1), properties: { sku: 'P-BOOK', category: '图书' } });
  await fw.tracking.drain();
  await fw.projector.drain();
}

beforeAll(async () => {
  fw = await startFlywheel();
  shop = await newShop(fw);
  key = shop.secretKey;
  await load(shop);
});
afterAll(async () => { await fw?.close(); });

const ids = (list: { externalId: string }[]) => list.map((c) => c.externalId).sort();

describe('lifecycle and RFM', () => {
  it('classifies the fixture by hand: 91 days ago is dormant, a fully refunded order is no purchase', async () => {
    const res = await call(fw, 'GET', '/v1/lifecycle', key);
    expect(res.status).toBe(200);
    expect(res.body.asOf).toBe(today);
    expect(Object.fromEntries(res.body.stages.map((s: { stage: string; customers: number }) => [s.stage, s.customers]))).toEqual({ prospect: 2, new: 1, active: 2, dormant: 1, churned: 1 });
    const list = await call(fw, 'GET', '/v1/customers?sort=externalId&limit=50', key);
    expect(Object.fromEntries(list.body.customers.map((c: { externalId: string; lifecycle: string }) => [c.externalId, c.lifecycle]))).toEqual({
      a: 'active', b: 'dormant', c: 'new', d: 'prospect', e: 'prospect', f: 'churned', g: 'active',
    });
  });

  it('gives the 8-class RFM with ties at the mean counted high', async () => {
    const res = await call(fw, 'GET', '/v1/rfm', key);
    expect(res.status).toBe(200);
    expect(res.body.customers).toBe(5);
    expect(res.body.means).toEqual({ r: 75, f: 1.2, m: 22500 });
    const classes = Object.fromEntries(res.body.classes.map((c: { class: string; customers: number; netSales: number }) => [c.class, [c.customers, c.netSales]]));
    expect(classes).toEqual({
      important_value: [1, 30000], important_develop: [2, 62500], important_keep: [0, 0], important_retain: [0, 0],
      general_value: [0, 0], general_develop: [0, 0], general_keep: [0, 0], general_retain: [2, 20000],
    });
    const g = await call(fw, 'GET', '/v1/customers/g', key);
    expect(g.body.rfm).toMatchObject({ r: 75, f: 1, m: 22500, class: 'important_develop' });
  });

  it('answers as of a past date with what was known then: before its refund, d had bought', async () => {
    const asOf = addDays(today, -19);
    const res = await call(fw, 'GET', `/v1/lifecycle?asOf=${asOf}`, key);
    // 19 days ago: d's order (20 days ago) was not refunded yet, so d was new; e had not registered;
    // c had not bought; b's order was 72 days old (active) and f's 175 (dormant).
    expect(Object.fromEntries(res.body.stages.map((s: { stage: string; customers: number }) => [s.stage, s.customers]))).toEqual({ prospect: 1, new: 1, active: 3, dormant: 1, churned: 0 });
    const bad = await call(fw, 'GET', '/v1/rfm?asOf=2026-13-01', key);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('asOf');
  });
});

describe('customer list and profile', () => {
  it('searches by name, phone and id, filters and sorts with cursor pages that cover everyone once', async () => {
    expect(ids((await call(fw, 'GET', `/v1/customers?q=${encodeURIComponent('王')}`, key)).body.customers)).toEqual(['c']);
    expect(ids((await call(fw, 'GET', '/v1/customers?q=1390000', key)).body.customers)).toEqual(['b']);
    expect(ids((await call(fw, 'GET', '/v1/customers?rfmClass=important_develop', key)).body.customers)).toEqual(['c', 'g']);
    expect(ids((await call(fw, 'GET', '/v1/customers?tag=vip', key)).body.customers)).toEqual(['a', 'c']);
    const top = await call(fw, 'GET', '/v1/customers?sort=-netSales&limit=2', key);
    expect(top.body.customers.map((c: { externalId: string; netSales: number }) => [c.externalId, c.netSales])).toEqual([['c', 40000], ['a', 30000]]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { customers: { externalId: string }[]; nextCursor: string | null } } = await call(fw, 'GET', `/v1/customers?sort=-lastOrderAt&limit=3${cursor ? `&cursor=${cursor}` : ''}`, key);
      seen.push(...page.body.customers.map((c) => c.externalId));
      cursor = page.body.nextCursor;
    } while (cursor);
    // d and e have no purchase: last, ties in id order (descending, as the sort).
    expect(seen).toEqual(['c', 'a', 'g', 'b', 'f', 'e', 'd']);
    const badCursor = await call(fw, 'GET', '/v1/customers?cursor=nonsense', key);
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.field).toBe('cursor');
  });

  it('shows the profile with favourite categories, acquisition channel and a timeline of orders, refunds and visits', async () => {
    const res = await call(fw, 'GET', '/v1/customers/a', key);
    expect(res.status).toBe(200);
    const p = res.body;
    expect(p).toMatchObject({ externalId: 'a', name: '张伟', phone: '13812345678', email: 'zhang.wei@example.com', lifecycle: 'active', orders: 2, netSales: 30000, aov: 15000, currency: 'CNY' });
    expect(p.favouriteCategories).toEqual([{ category: '图书', orders: 1, netSales: 20000 }, { category: '美妆', orders: 1, netSales: 10000 }]);
    expect(p.acquisitionChannel).toBe('social');
    expect(p.timeline.map((t: { kind: string; id: string }) => `${t.kind}:${t.kind === 'visit' ? 'session' : t.id}`)).toEqual(['order:o-a1', 'visit:session', 'visit:session', 'order:o-a2']);
    const g = await call(fw, 'GET', '/v1/customers/g', key);
    expect(g.body.timeline.map((t: { kind: string; amount: number }) => [t.kind, t.amount])).toEqual([['refund', 7500], ['order', 30000]]);
    expect((await call(fw, 'GET', '/v1/customers/nobody', key)).status).toBe(404);
  });

  it('masks phone and email for an analyst and a viewer, and shows them to an operator', async () => {
    const analyst = await addOperator(fw, key, { email: 'analyst@shop.cn', password: 'analyst-password-1', role: 'analyst' });
    const viewer = await addOperator(fw, key, { email: 'viewer@shop.cn', password: 'viewer-password-1', role: 'viewer' });
    const operator = await addOperator(fw, key, { email: 'ops@shop.cn', password: 'operator-password-1', role: 'operator' });
    for (const token of [analyst.token, viewer.token]) {
      const list = await call(fw, 'GET', '/v1/customers?q=a&sort=externalId', token);
      expect(list.body.customers.find((c: { externalId: string }) => c.externalId === 'a').phone).toBe('138****5678');
      const profile = await call(fw, 'GET', '/v1/customers/a', token);
      expect(profile.body).toMatchObject({ phone: '138****5678', email: 'z***@example.com', name: '张伟' });
      expect(JSON.stringify(profile.body)).not.toContain('13812345678');
    }
    expect((await call(fw, 'GET', '/v1/customers/a', operator.token)).body.phone).toBe('13812345678');
    // Exporting a person's data is for those who may see it whole.
    expect((await call(fw, 'GET', '/v1/customers/a/export', analyst.token)).status).toBe(403);
    const preview = await call(fw, 'POST', '/v1/segments/preview', viewer.token, { rule: { field: 'province', op: 'eq', value: '广东' } });
    expect(preview.body.sample.every((c: { phone: string }) => /^\d{3}\*{4}\d{4}$/.test(c.phone))).toBe(true);
  });
});

describe('segments', () => {
  it('previews size and sample, and names the path of a bad node', async () => {
    const rule = { all: [{ field: 'province', op: 'eq', value: '广东' }, { event: 'Product Added', within: '7d', op: 'gte', value: 1 }] };
    const res = await call(fw, 'POST', '/v1/segments/preview', key, { rule });
    expect(res.status).toBe(200);
    expect(res.body.size).toBe(1);
    expect(ids(res.body.sample)).toEqual(['b']);
    const bad = async (r: unknown) => (await call(fw, 'POST', '/v1/segments/preview', key, { rule: r })).body.error;
    expect(await bad({ all: [rule.all[0], rule.all[1], { field: 'province', op: 'equals', value: 'x' }] })).toMatchObject({ code: 'invalid_field', field: 'rule.all[2].op' });
    expect(await bad({ any: [{ field: 'shoeSize', op: 'eq', value: 42 }] })).toMatchObject({ field: 'rule.any[0].field' });
    expect(await bad({ field: 'lifecycle', op: 'eq', value: 'sleepy' })).toMatchObject({ field: 'rule.value' });
    expect(await bad({ not: { orders: { within: '90 days' }, measure: 'count', op: 'gt', value: 0 } })).toMatchObject({ field: 'rule.not.orders.within' });
    expect(await bad({ any: [{ segment: 'seg_doesnotexist' }] })).toMatchObject({ code: 'unknown_reference', field: 'rule.any[0].segment' });
    let deep: unknown = { field: 'city', op: 'exists' };
    for (let i = 0; i < 10; i++) deep = { not: deep };
    expect((await bad(deep)).message).toMatch(/deeper than 10/);
    expect((await bad({ any: Array.from({ length: 101 }, () => ({ field: 'city', op: 'exists' })) })).message).toMatch(/more than 100 conditions/);
    // A value is a bound parameter, never SQL.
    const injection = await call(fw, 'POST', '/v1/segments/preview', key, { rule: { field: 'city', op: 'eq', value: "x' or 1=1 --" } });
    expect(injection.body.size).toBe(0);
  });

  it('saves segments that refer to each other, refuses a cycle, keeps a size history and pages and exports members', async () => {
    const gd = await call(fw, 'POST', '/v1/segments', key, { name: '广东客户', rule: { field: 'province', op: 'eq', value: '广东' } });
    expect(gd.status).toBe(201);
    expect(gd.body.size).toBe(4);
    const valuable = await call(fw, 'POST', '/v1/segments', key, { name: '广东高价值', rule: { all: [{ segment: gd.body.id }, { orders: {}, measure: 'net_sales', op: 'gte', value: 20000 }] } });
    expect(valuable.body.size).toBe(2);
    const cycle = await call(fw, 'PATCH', `/v1/segments/${gd.body.id}`, key, { rule: { any: [{ field: 'city', op: 'exists' }, { segment: valuable.body.id }] } });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.field).toBe('rule.any[1].segment');
    expect((await call(fw, 'DELETE', `/v1/segments/${gd.body.id}`, key)).status).toBe(409);

    const detail = await call(fw, 'GET', `/v1/segments/${valuable.body.id}`, key);
    expect(detail.body.sizeHistory).toEqual([{ date: today, size: 2 }]);
    const members = await call(fw, 'GET', `/v1/segments/${gd.body.id}/members?limit=3`, key);
    expect(ids(members.body.customers)).toEqual(['a', 'b', 'e']);
    const rest = await call(fw, 'GET', `/v1/segments/${gd.body.id}/members?limit=3&cursor=${members.body.nextCursor}`, key);
    expect(ids(rest.body.customers)).toEqual(['g']);
    expect(rest.body.nextCursor).toBeNull();

    const csv = await call(fw, 'GET', `/v1/segments/${valuable.body.id}/export`, key);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = String(csv.body).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('externalId,name,phone,lifecycle,rfmClass,orders,netSales,lastOrderAt,tags');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual(['a,张伟,13812345678,active', 'g,赵敏,13300006666,active']);

    const listed = await call(fw, 'GET', `/v1/customers?segment=${valuable.body.id}`, key);
    expect(ids(listed.body.customers)).toEqual(['a', 'g']);
    const unknown = await call(fw, 'GET', '/v1/customers?segment=seg_nope', key);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toBe('segment');
  });

  it('is current as soon as a new order is projected: a prospect who buys joins a buyers segment', async () => {
    const s = await call(fw, 'POST', '/v1/segments', key, { name: '本周下单', rule: { orders: { within: '7d' }, measure: 'count', op: 'gte', value: 1 } });
    expect(s.body.size).toBe(1); // c
    expect(await fw.customers.segments.isMember(shop.shopId, s.body.id, 'e')).toBe(false);
    await call(fw, 'POST', '/v1/orders/batch', key, { records: [{ ...order('o-e1', 'e', 5000, 0), paidAt: new Date(Date.now() - 60_000).toISOString(), placedAt: new Date(Date.now() - 120_000).toISOString() }] });
    await fw.projector.drain();
    expect((await call(fw, 'GET', `/v1/segments/${s.body.id}`, key)).body.size).toBe(2);
    expect(await fw.customers.segments.isMember(shop.shopId, s.body.id, 'e')).toBe(true);
    expect((await fw.customers.segments.memberIds(shop.shopId, s.body.id)).customerIds).toEqual(['c', 'e']);
  });
});

describe('segments in the metrics', () => {
  it('cuts /v1/metrics by a segment as province cuts it, when the segment is a province', async () => {
    const gd = await call(fw, 'POST', '/v1/segments', key, { name: '广东（指标）', rule: { field: 'province', op: 'eq', value: '广东' } });
    const base = `/v1/metrics?metrics=sales,orders,buyers,refunds,uv,repurchase_rate&from=${addDays(today, -400)}&to=${addDays(today, 1)}`;
    const bySegment = await call(fw, 'GET', `${base}&filter.segment=${gd.body.id}&grain=month`, key);
    expect(bySegment.status).toBe(200);
    const byProvince = await call(fw, 'GET', `${base}&filter.province=${encodeURIComponent('广东')}&grain=month`, key);
    expect(bySegment.body.totals).toEqual(byProvince.body.totals);
    expect(bySegment.body.series).toEqual(byProvince.body.series);
    // a, b, g and e (who ordered above) are 广东; a and b were seen on the site.
    expect(bySegment.body.totals).toMatchObject({ orders: 5, buyers: 4, uv: 2, sales: 75000, refunds: 7500 });
    const sessions = await call(fw, 'GET', `/v1/metrics?metrics=sessions&from=${addDays(today, -30)}&to=${today}&filter.segment=${gd.body.id}`, key);
    expect(sessions.status).toBe(400);
    expect(sessions.body.error.field).toBe('filter.segment');
    const unknown = await call(fw, 'GET', `${base}&filter.segment=seg_nope`, key);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toBe('filter.segment');
  });
});

describe('tags', () => {
  it('adds tags by hand to customers and to a whole segment, and removes an imported one', async () => {
    const res = await call(fw, 'POST', '/v1/customers/tags', key, { customerIds: ['b', 'f'], add: ['回访'] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ customers: 2, added: ['回访'], removed: [] });
    const seg = await call(fw, 'POST', '/v1/segments', key, { name: '女性', rule: { field: 'gender', op: 'eq', value: 'female' } });
    await call(fw, 'POST', '/v1/customers/tags', key, { segment: seg.body.id, add: ['女神节'], remove: ['vip'] });
    await fw.projector.drain();
    const c = await call(fw, 'GET', '/v1/customers/c', key);
    expect(c.body.tags).toEqual(['wholesale', '女神节']);
    expect(c.body.manualTags).toEqual(['女神节']);
    expect(ids((await call(fw, 'GET', '/v1/customers?tag=vip', key)).body.customers)).toEqual(['a']);
    expect((await call(fw, 'POST', '/v1/segments/preview', key, { rule: { field: 'tags', op: 'contains', value: '回访' } })).body.size).toBe(2);
    const unknown = await call(fw, 'POST', '/v1/customers/tags', key, { customerIds: ['a', 'ghost'], add: ['x'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toBe('customerIds[1]');
    const neither = await call(fw, 'POST', '/v1/customers/tags', key, { add: ['x'] });
    expect(neither.body.error.field).toBe('customerIds');
  });
});

describe('PII export and erasure', () => {
  it('exports everything held on a person', async () => {
    const res = await call(fw, 'GET', '/v1/customers/a/export', key);
    expect(res.status).toBe(200);
    expect(res.body.customer).toMatchObject({ externalId: 'a', name: '张伟', phone: '13812345678' });
    expect(res.body.orders.map((o: { externalId: string }) => o.externalId).sort()).toEqual(['o-a1', 'o-a2']);
    expect(res.body.events.map((e: { messageId: string }) => e.messageId).sort()).toEqual(['a1', 'a2', 'a3']);
    expect(res.body.segments.map((s: { name: string }) => s.name)).toContain('广东高价值');
  });

  it('erases a person: contact details gone, orders and events anonymous, every metric the same', async () => {
    const from = addDays(today, -400);
    const to = addDays(today, 1);
    const metricsUrl = `/v1/metrics?metrics=sales,orders,buyers,uv,new_buyers,repurchase_rate,refunds&from=${from}&to=${to}`;
    const before = await Promise.all([metricsUrl, `${metricsUrl}&breakdown=province`, `${metricsUrl}&breakdown=channel`, '/v1/rfm', '/v1/lifecycle'].map((u) => call(fw, 'GET', u, key)));
    expect(before.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(before[0].body.totals).toMatchObject({ orders: 8, buyers: 7, uv: 2 });
    expect(before[3].body.customers).toBe(6);
    const erased = await call(fw, 'DELETE', '/v1/customers/a', key);
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ externalId: 'a', orders: 2 });
    expect(erased.body.erasedFields).toEqual(['name', 'phone', 'email', 'city', 'tags']);
    const anon = erased.body.anonymousId as string;
    expect(anon).toMatch(/^anon_/);
    await fw.projector.drain();
    const after = await Promise.all([metricsUrl, `${metricsUrl}&breakdown=province`, `${metricsUrl}&breakdown=channel`, '/v1/rfm', '/v1/lifecycle'].map((u) => call(fw, 'GET', u, key)));
    expect(after.map((r) => r.body)).toEqual(before.map((r) => r.body));

    expect((await call(fw, 'GET', '/v1/customers/a', key)).status).toBe(404);
    expect((await call(fw, 'GET', '/v1/customers/a/export', key)).status).toBe(404);
    const profile = await call(fw, 'GET', `/v1/customers/${anon}`, key);
    expect(profile.body).toMatchObject({ name: null, phone: null, email: null, city: null, province: '广东', orders: 2, netSales: 30000, erased: true });
    const everything = JSON.stringify((await call(fw, 'GET', `/v1/customers/${anon}/export`, key)).body);
    for (const pii of ['张伟', '13812345678', 'zhang.wei', '深圳']) expect(everything).not.toContain(pii);
    const stored = await fw.store.all(`select count(*) as n from events where shop_id = ? and (user_id = 'a' or properties::varchar like '%13812345678%')`, [shop.shopId]);
    expect(stored).toEqual([{ n: 0 }]);
    // The shop sending the old order again does not tie it back to the person.
    await call(fw, 'POST', '/v1/orders/batch', key, { records: [{ ...fixture.orders[0], status: 'completed', completedAt: daysAgo(9) }] });
    expect((await call(fw, 'GET', '/v1/orders/o-a1', key)).body.customerId).toBe(anon);
    const audit = await call(fw, 'GET', '/v1/audit', key);
    expect(JSON.stringify(audit.body)).toContain('customer.erase');
  });

  it('keeps shops apart', async () => {
    const other = await newShop(fw, 'Other shop');
    await call(fw, 'POST', '/v1/customers/batch', other.secretKey, { records: [{ externalId: 'b', name: '别家顾客', phone: '18800000000' }] });
    await fw.projector.drain();
    const list = await call(fw, 'GET', '/v1/customers', other.secretKey);
    expect(list.body.customers.map((c: { externalId: string; name: string }) => [c.externalId, c.name])).toEqual([['b', '别家顾客']]);
    const mine = (await call(fw, 'GET', '/v1/segments', key)).body.segments[0].id;
    expect((await call(fw, 'GET', `/v1/segments/${mine}`, other.secretKey)).status).toBe(404);
    expect((await call(fw, 'POST', '/v1/segments/preview', other.secretKey, { rule: { segment: mine } })).status).toBe(400);
    expect((await call(fw, 'GET', '/v1/rfm', other.secretKey)).body.customers).toBe(0);
  });
});
