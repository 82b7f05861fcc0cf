import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../../app';
import { call, newShop, startFlywheel } from '../../testing/harness';
import { referenceEvents, referenceSessions, referenceVisitorsByChannel } from './sessions.reference';
import { VisitRollup } from './visits';

let fw: Flywheel;
let shopId: string;
let key: string;
let pk: string;
beforeAll(async () => {
  fw = await startFlywheel();
  ({ shopId, secretKey: key, publishableKey: pk } = await newShop(fw));
});
afterAll(async () => { await fw?.close(); });

/** A small deterministic generator (the figures must be reproducible when a check fails). */
function lcg(seed: number) {
  let s = seed;
  return (n: number) => { s = (s * 1103515245 + 12345) % 2 ** 31; return s % n; };
}

const DAY0 = Date.parse('2026-11-01T00:00:00+08:00');
const LANDINGS = ['', '?utm_source=baidu&utm_medium=cpc', '?utm_source=wechat&utm_medium=private'];
const CATEGORIES = ['服饰/女装', '服饰/男装', '美妆'];

/** `count` tracking calls over 1-4 Nov (local), by 12 devices of which 4 sign in as one of 5 customers. */
function calls(random: (n: number) => number, count: number, prefix: string) {
  return Array.from({ length: count }, (_, i) => {
    const d = random(12);
    const device = `d${d}`;
    const who = random(4) === 0 ? { userId: `u${random(5)}` } : { anonymousId: device };
    const timestamp = new Date(DAY0 + random(4 * 86_400) * 1000).toISOString();
    const messageId = `${prefix}${i}`;
    switch (random(5)) {
      case 0: // devices 0-3 sign in; the others stay anonymous
        if (d < 4) return { type: 'identify', messageId, anonymousId: device, userId: `u${random(5)}`, timestamp };
        return { type: 'track', messageId, ...who, event: 'Products Searched', timestamp };
      case 1: return { type: 'track', messageId, ...who, event: 'Product Added', timestamp, properties: { category: CATEGORIES[random(3)] } };
      case 2: return { type: 'track', messageId, ...who, event: 'Product Viewed', timestamp, properties: { category: CATEGORIES[random(3)] } };
      default: return { type: 'page', messageId, ...who, timestamp, context: { page: { url: `https://shop.cn/${LANDINGS[random(3)]}` } } };
    }
  });
}

type Values = Record<string, number | null>;
const VISITORS = 'metrics=uv,pv,add_to_cart_rate&from=2026-11-01&to=2026-11-05';

/**
 * The definition, event by event over `tracked_events`: total, per local day and per top-level
 * category; per channel by the sessions' channels (the brute-force sessions of sessions.reference.ts).
 */
async function expected() {
  const rows = await fw.store.all<{ day: string | null; uv: number; pv: number; carted: number }>(
    `select strftime(timezone('Asia/Shanghai', ts), '%Y-%m-%d') as day, count(distinct person_id) as uv, count_if(type = 'page') as pv,
       count(distinct case when event = 'Product Added' then person_id end) as carted
     from tracked_events where shop_id = ? and ts >= '2026-10-31T16:00:00Z' and ts < '2026-11-04T16:00:00Z'
     group by grouping sets ((), (day))`, [shopId]);
  const values = (r: { uv: number; pv: number; carted: number }): Values => ({ uv: r.uv, pv: r.pv, add_to_cart_rate: r.carted / r.uv });
  const total = rows.find((r) => r.day === null)!;
  const categories = await fw.store.all<{ category: string; uv: number; pv: number; carted: number }>(
    `select split_part(category, '/', 1) as category, count(distinct person_id) as uv, count_if(type = 'page') as pv,
       count(distinct case when event = 'Product Added' then person_id end) as carted
     from tracked_events where shop_id = ? and ts >= '2026-10-31T16:00:00Z' and ts < '2026-11-04T16:00:00Z' and category is not null group by 1`, [shopId]);
  return {
    totals: values(total),
    days: Object.fromEntries(rows.filter((r) => r.day !== null).map((r) => [r.day, values(r)])),
    channels: referenceVisitorsByChannel(referenceSessions(await referenceEvents(fw.store, shopId), 'Asia/Shanghai'), DAY0, DAY0 + 4 * 86_400_000),
    categories: Object.fromEntries(categories.map((r) => [r.category, values(r)])),
  };
}

async function answered() {
  const get = async (qs: string) => {
    const res = await call(fw, 'GET', `/v1/metrics?${VISITORS}${qs}`, key);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const byDay = await get('&grain=day');
  const byChannel = await get('&breakdown=channel');
  const byCategory = await get('&breakdown=category'); // read from events: the rollup has no category
  return {
    totals: byDay.totals,
    days: Object.fromEntries(byDay.series.filter((s: { values: Values }) => s.values.uv! > 0).map((s: { start: string; values: Values }) => [s.start, s.values])),
    channels: Object.fromEntries(byChannel.breakdown.map((b: { key: string; values: Values }) => [b.key, b.values])),
    categories: Object.fromEntries(byCategory.breakdown.map((b: { key: string; values: Values }) => [b.key, b.values])),
  };
}

const rolledUp = async () => (await fw.store.one<{ n: number }>(`select event_rows as n from rollup_marks where name = 'visits'`))!.n;
const eventRows = async () => (await fw.store.one<{ n: number }>('select count(*) as n from events'))!.n;

describe('visitors counted from the visits rollup', () => {
  it('gives the per-event figures before, during and after roll-ups, with late events in rolled-up quarter hours', async () => {
    const random = lcg(7);
    const send = async (prefix: string) => {
      const body = (await call(fw, 'POST', '/v1/batch', pk, { batch: calls(random, 400, prefix) })).body;
      expect(body.rejected).toEqual([]);
    };
    await send('a');
    // Nothing rolled up yet: every event is read from `events`.
    expect(await rolledUp()).toBe(0);
    const first = await expected();
    expect(first.totals.uv).toBeGreaterThan(5);
    expect(Object.keys(first.channels).length).toBeGreaterThan(1);
    expect(Object.keys(first.categories)).toEqual(expect.arrayContaining(['服饰', '美妆']));
    expect(await answered()).toEqual(first);

    // Rolled up in batches of 97 rows: quarter hours split across batches.
    const rollup = new VisitRollup(fw.store, 97);
    expect(await rollup.refresh()).toBe(await eventRows());
    expect(await rolledUp()).toBe(await eventRows());
    const visits = await fw.store.one<{ n: number }>('select count(*) as n from visits where shop_id = ?', [shopId]);
    expect(visits!.n).toBeGreaterThan(0);
    expect(await answered()).toEqual(first);

    // New events (in quarter hours already rolled up, some by the same people) and new sign-ins: rollup plus the rest.
    await send('b');
    expect(await rolledUp()).toBeLessThan(await eventRows());
    const second = await expected();
    expect(second).not.toEqual(first);
    expect(await answered()).toEqual(second);

    expect(await rollup.refresh()).toBeGreaterThan(0);
    expect(await answered()).toEqual(second);
    expect(await rollup.refresh()).toBe(0);

    // In the background a server rolls up only once enough new events wait.
    await send('c');
    const batched = new VisitRollup(fw.store, 1_000_000, 500);
    expect(await batched.rollUpBatch()).toBe(0); // 400 new events, fewer than 500: they wait
    expect(await rolledUp()).toBeLessThan(await eventRows());
    await send('d');
    expect(await batched.rollUpBatch()).toBe(800);
    expect(await rolledUp()).toBe(await eventRows());
    expect(await answered()).toEqual(await expected());
  });
});
