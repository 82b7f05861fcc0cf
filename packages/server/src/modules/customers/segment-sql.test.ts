/**
 * The segment compiler, operator by operator, on a real DuckDB holding four people. The tables stand
 * in for the relations the compiled SQL reads: `facts` and `purchases` (facts.ts), `order_items` and
 * `products` (commerce's), `tracked_events` (tracking's).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleIssues, type SegmentRule } from '@flywheel/contracts';
import { AnalyticsStore } from '../../platform/analytics-store';
import { FlywheelError } from '../../platform/errors';
import { compileRule, segmentRefs } from './segment-sql';

const NOW = '2026-12-01T04:00:00.000Z'; // 12:00 in Shanghai
const ago = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();
const EVERYONE = ['p1', 'p2', 'p3', 'p4'];

let store: AnalyticsStore;
beforeAll(async () => {
  store = await AnalyticsStore.open(null);
  await store.write(async (conn) => {
    await conn.run(`create table facts (customer_id varchar, province varchar, city varchar, gender varchar, channel varchar, tier varchar, lifecycle varchar,
      rfm_class varchar, points bigint, tags varchar[], registered_at timestamptz, birthday date)`);
    await conn.run(`insert into facts values
      ('p1', '广东', '深圳', 'female', 'paid_search', 'gold', 'active', 'important_value', 500, ['vip', '美妆达人'], '2026-01-10T10:00:00+08:00', '1990-05-01'),
      ('p2', '浙江', '杭州', 'male', 'organic_search', null, 'dormant', 'general_retain', 0, [], '2025-06-01T10:00:00+08:00', null),
      ('p3', null, null, 'unknown', null, 'normal', 'prospect', null, null, ['vip'], null, '2000-12-31'),
      -- registered at 00:30 on 1 December in Shanghai, still 30 November in UTC
      ('p4', '广东', '广州', 'male', 'social', null, 'new', 'important_develop', 1200, ['wholesale'], '2026-11-30T16:30:00Z', null)`);
    await conn.run(`create table purchases (customer_id varchar, order_id varchar, paid_at timestamptz, net bigint)`);
    await conn.run(`insert into purchases values ('p1', 'o1', '${ago(5)}', 10000), ('p1', 'o2', '${ago(100)}', 30000), ('p2', 'o3', '${ago(400)}', 5000), ('p4', 'o4', '${ago(2)}', 0)`);
    await conn.run(`create table order_items (shop_id varchar, order_id varchar, product_id varchar, amount bigint)`);
    await conn.run(`insert into order_items values ('s', 'o1', 'serum', 8000), ('s', 'o1', 'novel', 2000), ('s', 'o2', 'lipstick', 30000), ('s', 'o3', 'dress', 5000), ('s', 'o4', 'sample', 0)`);
    await conn.run(`create table products (shop_id varchar, product_id varchar, category varchar)`);
    await conn.run(`insert into products values ('s', 'serum', '美妆/护肤/精华'), ('s', 'novel', '图书/文学'), ('s', 'lipstick', '美妆/彩妆'), ('s', 'dress', '服饰/女装'), ('s', 'sample', '美妆/护肤')`);
    await conn.run(`create table tracked_events (shop_id varchar, person_id varchar, type varchar, event varchar, ts timestamptz, properties json)`);
    await conn.run(`insert into tracked_events values
      ('s', 'p1', 'track', 'Product Added', '${ago(1)}', '{"category": "美妆"}'), ('s', 'p1', 'track', 'Product Added', '${ago(3)}', '{"category": "美妆"}'),
      ('s', 'p1', 'track', 'Product Added', '${ago(20)}', '{"category": "美妆"}'), ('s', 'p1', 'page', null, '${ago(1)}', '{}'),
      ('s', 'p2', 'track', 'Product Added', '${ago(2)}', '{"category": "图书"}'),
      ('other', 'other-shop-person', 'track', 'Product Added', '${ago(1)}', '{}')`);
  });
});
afterAll(async () => { await store.close(); });

async function members(rule: SegmentRule, segments = new Map<string, SegmentRule>()): Promise<string[]> {
  expect(ruleIssues(rule)).toEqual([]);
  const c = compileRule(rule, segments);
  const rows = await store.all<{ customer_id: string }>(
    `${c.ctes.length ? `with ${c.ctes.join(',\n')}` : ''} select f.customer_id from facts f ${c.joins.join(' ')} where ${c.where} order by 1`,
    { shop: 's', tz: 'Asia/Shanghai', now: NOW, ...c.params });
  return rows.map((r) => r.customer_id);
}

const cases: [string, SegmentRule, string[]][] = [
  // text
  ['province eq', { field: 'province', op: 'eq', value: '广东' }, ['p1', 'p4']],
  ['province neq takes in those without one', { field: 'province', op: 'neq', value: '广东' }, ['p2', 'p3']],
  ['province in', { field: 'province', op: 'in', value: ['浙江', '上海'] }, ['p2']],
  ['province nin takes in those without one', { field: 'province', op: 'nin', value: ['广东'] }, ['p2', 'p3']],
  ['province contains', { field: 'province', op: 'contains', value: '东' }, ['p1', 'p4']],
  ['city exists', { field: 'city', op: 'exists' }, ['p1', 'p2', 'p4']],
  ['city exists false', { field: 'city', op: 'exists', value: false }, ['p3']],
  ['channel eq', { field: 'channel', op: 'eq', value: 'social' }, ['p4']],
  ['tier eq', { field: 'tier', op: 'eq', value: 'gold' }, ['p1']],
  // enums
  ['lifecycle eq', { field: 'lifecycle', op: 'eq', value: 'active' }, ['p1']],
  ['lifecycle in', { field: 'lifecycle', op: 'in', value: ['new', 'dormant'] }, ['p2', 'p4']],
  ['rfmClass neq', { field: 'rfmClass', op: 'neq', value: 'important_value' }, ['p2', 'p3', 'p4']],
  ['gender nin', { field: 'gender', op: 'nin', value: ['male'] }, ['p1', 'p3']],
  // lists
  ['tags eq (holds)', { field: 'tags', op: 'eq', value: 'vip' }, ['p1', 'p3']],
  ['tags contains', { field: 'tags', op: 'contains', value: 'vip' }, ['p1', 'p3']],
  ['tags neq (does not hold)', { field: 'tags', op: 'neq', value: 'vip' }, ['p2', 'p4']],
  ['tags in (any of)', { field: 'tags', op: 'in', value: ['wholesale', '美妆达人'] }, ['p1', 'p4']],
  ['tags nin (none of)', { field: 'tags', op: 'nin', value: ['vip'] }, ['p2', 'p4']],
  ['tags exists', { field: 'tags', op: 'exists' }, ['p1', 'p3', 'p4']],
  ['tags exists false', { field: 'tags', op: 'exists', value: false }, ['p2']],
  // dates: registeredAt by its local date in the shop's zone
  ['registeredAt eq (local date)', { field: 'registeredAt', op: 'eq', value: '2026-12-01' }, ['p4']],
  ['registeredAt neq', { field: 'registeredAt', op: 'neq', value: '2026-12-01' }, ['p1', 'p2', 'p3']],
  ['registeredAt gt', { field: 'registeredAt', op: 'gt', value: '2026-01-10' }, ['p4']],
  ['registeredAt gte', { field: 'registeredAt', op: 'gte', value: '2026-01-10' }, ['p1', 'p4']],
  ['registeredAt lt', { field: 'registeredAt', op: 'lt', value: '2026-01-10' }, ['p2']],
  ['registeredAt lte', { field: 'registeredAt', op: 'lte', value: '2026-01-10' }, ['p1', 'p2']],
  ['registeredAt between (both ends in)', { field: 'registeredAt', op: 'between', value: ['2025-06-01', '2026-01-10'] }, ['p1', 'p2']],
  ['registeredAt exists false', { field: 'registeredAt', op: 'exists', value: false }, ['p3']],
  ['birthday lt', { field: 'birthday', op: 'lt', value: '1995-01-01' }, ['p1']],
  // numbers
  ['points eq', { field: 'points', op: 'eq', value: 500 }, ['p1']],
  ['points neq takes in those without', { field: 'points', op: 'neq', value: 500 }, ['p2', 'p3', 'p4']],
  ['points gt', { field: 'points', op: 'gt', value: 0 }, ['p1', 'p4']],
  ['points gte', { field: 'points', op: 'gte', value: 500 }, ['p1', 'p4']],
  ['points lt leaves out those without', { field: 'points', op: 'lt', value: 500 }, ['p2']],
  ['points lte', { field: 'points', op: 'lte', value: 0 }, ['p2']],
  ['points between', { field: 'points', op: 'between', value: [100, 1000] }, ['p1']],
  ['points in', { field: 'points', op: 'in', value: [0, 1200] }, ['p2', 'p4']],
  ['points nin', { field: 'points', op: 'nin', value: [0] }, ['p1', 'p3', 'p4']],
  ['points exists', { field: 'points', op: 'exists' }, ['p1', 'p2', 'p4']],
  // orders
  ['orders in 30 days', { orders: { within: '30d' }, measure: 'count', op: 'gte', value: 1 }, ['p1', 'p4']],
  ['no order ever', { orders: {}, measure: 'count', op: 'eq', value: 0 }, ['p3']],
  ['more than one order', { orders: {}, measure: 'count', op: 'gt', value: 1 }, ['p1']],
  ['net sales in 365 days', { orders: { within: '365d' }, measure: 'net_sales', op: 'gte', value: 40000 }, ['p1']],
  ['net sales under 1 (none, or a free order)', { orders: {}, measure: 'net_sales', op: 'lt', value: 1 }, ['p3', 'p4']],
  ['aov gte', { orders: {}, measure: 'aov', op: 'gte', value: 5000 }, ['p1', 'p2']],
  ['aov of no orders matches nothing', { orders: {}, measure: 'aov', op: 'lt', value: 1 }, ['p4']],
  ['aov neq', { orders: {}, measure: 'aov', op: 'neq', value: 20000 }, ['p2', 'p4']],
  ['aov in', { orders: {}, measure: 'aov', op: 'in', value: [20000, 0] }, ['p1', 'p4']],
  ['orders of a category (and below it)', { orders: { category: '美妆' }, measure: 'count', op: 'gte', value: 1 }, ['p1', 'p4']],
  ['a category matches whole path segments', { orders: { category: '美' }, measure: 'count', op: 'gte', value: 1 }, []],
  ['a deeper category', { orders: { category: '美妆/护肤' }, measure: 'count', op: 'eq', value: 1 }, ['p1', 'p4']],
  ['the category\'s share of net sales', { orders: { category: '美妆', within: '30d' }, measure: 'net_sales', op: 'eq', value: 8000 }, ['p1']],
  // events
  ['added to cart twice in 7 days', { event: 'Product Added', within: '7d', op: 'gte', value: 2 }, ['p1']],
  ['did not add to cart in 7 days', { event: 'Product Added', within: '7d', op: 'eq', value: 0 }, ['p3', 'p4']],
  ['event property', { event: 'Product Added', where: { category: '图书' }, op: 'gte', value: 1 }, ['p2']],
  ['page views', { event: '$pageview', op: 'gte', value: 1 }, ['p1']],
  ['event count between', { event: 'Product Added', within: '7d', op: 'between', value: [1, 2] }, ['p1', 'p2']],
  ['event count in', { event: 'Product Added', within: '7d', op: 'in', value: [1] }, ['p2']],
  ['event count nin', { event: 'Product Added', within: '7d', op: 'nin', value: [0] }, ['p1', 'p2']],
  ['event count neq', { event: 'Product Added', within: '7d', op: 'neq', value: 0 }, ['p1', 'p2']],
  ['event count lt', { event: 'Product Added', within: '7d', op: 'lt', value: 1 }, ['p3', 'p4']],
  ['event count lte', { event: 'Product Added', within: '7d', op: 'lte', value: 1 }, ['p2', 'p3', 'p4']],
  ['event count gt, all time', { event: 'Product Added', op: 'gt', value: 2 }, ['p1']],
  // combinations
  ['all', { all: [{ field: 'province', op: 'eq', value: '广东' }, { field: 'gender', op: 'eq', value: 'male' }] }, ['p4']],
  ['any', { any: [{ field: 'province', op: 'eq', value: '浙江' }, { field: 'tags', op: 'contains', value: 'wholesale' }] }, ['p2', 'p4']],
  ['not', { not: { field: 'province', op: 'eq', value: '广东' } }, ['p2', 'p3']],
  ['沉睡高价值-like', { all: [{ field: 'lifecycle', op: 'in', value: ['dormant', 'active'] }, { orders: { within: '365d' }, measure: 'net_sales', op: 'gte', value: 5000 }] }, ['p1']],
];

describe('segment compiler, operator by operator', () => {
  for (const [name, rule, expected] of cases) {
    it(name, async () => { expect(await members(rule)).toEqual(expected); });
  }

  it('puts in the rules of the segments referred to', async () => {
    const segments = new Map<string, SegmentRule>([['seg_gd', { field: 'province', op: 'eq', value: '广东' }], ['seg_mengd', { all: [{ segment: 'seg_gd' }, { field: 'gender', op: 'eq', value: 'male' }] }]]);
    expect(await members({ segment: 'seg_mengd' }, segments)).toEqual(['p4']);
    expect(await members({ not: { segment: 'seg_gd' } }, segments)).toEqual(['p2', 'p3']);
    expect(segmentRefs({ any: [{ segment: 'seg_a' }, { not: { segment: 'seg_b' } }] })).toEqual(['seg_a', 'seg_b']);
  });

  it('names an unknown or circular reference at the path of the node that makes it', () => {
    const error = (fn: () => unknown) => { try { fn(); } catch (e) { return e as FlywheelError; } throw new Error('no error'); };
    expect(error(() => compileRule({ all: [{ field: 'city', op: 'exists' }, { segment: 'seg_x' }] })).field).toBe('rule.all[1].segment');
    const loop = new Map<string, SegmentRule>([['seg_a', { segment: 'seg_b' }], ['seg_b', { any: [{ segment: 'seg_a' }] }]]);
    const e = error(() => compileRule({ not: { segment: 'seg_a' } }, loop));
    expect(e.field).toBe('rule.not.segment');
    expect(e.message).toMatch(/refers back to itself/);
  });

  it('never writes a value into the SQL: every one is a bound parameter', () => {
    const hostile = "广东' or 1=1 --";
    const c = compileRule({ all: [{ field: 'province', op: 'eq', value: hostile }, { event: "x'); drop table facts; --", where: { k: hostile }, op: 'gte', value: 1 }, { orders: { category: hostile }, measure: 'count', op: 'gt', value: 0 }] });
    const sql = [...c.ctes, c.where].join(' ');
    expect(sql).not.toContain('广东');
    expect(sql).not.toContain('drop table');
    expect(Object.values(c.params)).toContain(hostile);
  });
});

/** Random rules over the fixture's fields, up to three levels deep. */
const leaf: fc.Arbitrary<SegmentRule> = fc.oneof(
  fc.constantFrom<SegmentRule>(...cases.filter(([, r]) => !('all' in r) && !('any' in r) && !('not' in r)).map(([, r]) => r)),
);
const ruleArb: fc.Arbitrary<SegmentRule> = fc.letrec<{ node: SegmentRule }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
    tie('node').map((not) => ({ not }))),
})).node.filter((r) => ruleIssues(r).length === 0);

describe('segment compiler, always', () => {
  it('makes not the complement, all the intersection and any the union', async () => {
    await fc.assert(fc.asyncProperty(ruleArb, ruleArb, async (a, b) => {
      const [ma, mb] = [await members(a), await members(b)];
      expect(await members({ not: a })).toEqual(EVERYONE.filter((p) => !ma.includes(p)));
      expect(await members({ all: [a, b] })).toEqual(ma.filter((p) => mb.includes(p)));
      expect(await members({ any: [a, b] })).toEqual(EVERYONE.filter((p) => ma.includes(p) || mb.includes(p)));
    }), { numRuns: 40 });
  });
});
