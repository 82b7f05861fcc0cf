import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../../app';
import { call, newShop, startFlywheel } from '../../testing/harness';
import { referenceEvents, referenceMetrics, referenceSessions, referenceVisitorsByChannel, type ReferenceSession } from './sessions.reference';

let fw: Flywheel;
beforeAll(async () => { fw = await startFlywheel(); });
afterAll(async () => { await fw?.close(); });

const TZ = 'Asia/Shanghai';
/** 22:00 local on 10 March: the generated events run past midnight into the 11th. */
const BASE = Date.parse('2026-03-10T22:00:00+08:00');
const PERIOD = { from: '2026-03-10', to: '2026-03-13', start: Date.parse('2026-03-10T00:00:00+08:00'), end: Date.parse('2026-03-13T00:00:00+08:00') };
const at = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString();

/** How a call lands: direct, two campaigns of one paid-search channel, WeChat, Douyin as a referrer, an email. */
const LANDINGS: { url: string; referrer?: string }[] = [
  { url: 'https://shop.cn/p' },
  { url: 'https://shop.cn/p?utm_source=baidu&utm_medium=cpc&utm_campaign=spring' },
  { url: 'https://shop.cn/p?utm_source=baidu&utm_medium=cpc&utm_campaign=brand' },
  { url: 'https://shop.cn/p?utm_source=wechat&utm_medium=private' },
  { url: 'https://shop.cn/p', referrer: 'https://www.douyin.com/video/7' },
  { url: 'https://shop.cn/p?utm_source=edm&utm_medium=email' },
];

type Call = Record<string, unknown> & { messageId: string; timestamp: string };
type Generated<A> = A extends fc.Arbitrary<infer T> ? T : never;

/** One device's calls: some events, and perhaps a sign-in as its customer after which its calls carry the userId. */
const device = fc.record({
  events: fc.array(fc.record({
    minute: fc.integer({ min: 0, max: 240 }),
    kind: fc.constantFrom('page', 'page', 'Product Viewed', 'Product Added'),
    landing: fc.constantFrom(0, 0, 0, 1, 2, 3, 4, 5),
    server: fc.boolean(), // sent by the shop's back-end with the userId only (once signed in)
  }), { minLength: 1, maxLength: 7 }),
  signIn: fc.option(fc.integer({ min: 0, max: 240 }), { nil: undefined }),
});
/** Up to 3 customers with 1-3 devices each, and up to 2 visitors who never sign in; some calls sent twice; orders. */
const shopHistory = fc.record({
  customers: fc.array(fc.array(device, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
  anonymous: fc.array(device, { maxLength: 2 }),
  duplicates: fc.array(fc.nat(), { maxLength: 4 }),
  orders: fc.array(fc.record({ customer: fc.nat(), minute: fc.integer({ min: 0, max: 260 }) }), { maxLength: 3 }),
});
type History = Generated<typeof shopHistory>;

function callsOf(h: History): Call[] {
  const calls: Call[] = [];
  const send = (who: string, dev: Generated<typeof device>, userId: string | undefined) => {
    // Distinct sign-in times per device (a device signs in once, as one customer).
    const signIn = userId === undefined ? undefined : dev.signIn;
    if (signIn !== undefined) calls.push({ type: 'identify', messageId: `${who}-id`, anonymousId: who, userId, timestamp: new Date(BASE + signIn * 60_000 + 17_000).toISOString() });
    dev.events.forEach((e, i) => {
      const signedIn = signIn !== undefined && e.minute >= signIn;
      const ids = signedIn ? (e.server ? { userId } : { anonymousId: who, userId }) : { anonymousId: who };
      const landing = LANDINGS[e.landing];
      const context = { page: { url: landing.url, ...(landing.referrer ? { referrer: landing.referrer } : {}) } };
      const base = { messageId: `${who}-${i}`, ...ids, timestamp: at(e.minute), context };
      calls.push(e.kind === 'page' ? { type: 'page', name: 'p', ...base } : { type: 'track', event: e.kind, ...base });
    });
  };
  h.customers.forEach((devices, c) => devices.forEach((dev, d) => send(`c${c}d${d}`, dev, `u${c}`)));
  h.anonymous.forEach((dev, a) => send(`anon${a}`, dev, undefined));
  // Retries: the same call (same messageId) sent again.
  for (const k of h.duplicates) if (calls.length > 0) calls.push({ ...calls[k % calls.length] });
  return calls;
}

const ordersOf = (h: History) => h.orders.map((o, i) => {
  const paidAt = new Date(BASE + o.minute * 60_000 + 31_000).toISOString();
  return { externalId: `o${i}`, customerId: `u${o.customer % h.customers.length}`, status: 'paid', placedAt: paidAt, paidAt,
    items: [{ sku: 'S1', quantity: 1, unitPrice: 1000 * (i + 1) }], payableAmount: 1000 * (i + 1) };
});

/** Last-touch attribution of PRODUCT.md by brute force: the buyer's last non-direct session in the 30 days before payment. */
function referenceAttribution(sessions: readonly ReferenceSession[], orders: ReturnType<typeof ordersOf>) {
  const sales = new Map<string, number>();
  for (const o of orders) {
    const paid = Date.parse(o.paidAt);
    const touches = sessions.filter((s) => s.person === o.customerId && s.start <= paid && s.start > paid - 30 * 86_400_000)
      .sort((a, b) => a.start - b.start || (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
    const paidTouches = touches.filter((s) => s.channel !== 'direct');
    const channel = paidTouches.length > 0 ? paidTouches[paidTouches.length - 1].channel : 'direct';
    sales.set(channel, (sales.get(channel) ?? 0) + o.payableAmount);
  }
  return Object.fromEntries(sales);
}

/** What the API answers about sessions and everything derived from them, for one shop. */
async function observed(shop: { shopId: string; secretKey: string }) {
  const q = `from=${PERIOD.from}&to=${PERIOD.to}`;
  const get = async (url: string) => {
    const res = await call(fw, 'GET', url, shop.secretKey);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const totals = (await get(`/v1/metrics?metrics=sessions,bounce_rate,avg_session_duration&${q}`)).totals;
  const byChannel = (await get(`/v1/metrics?metrics=sessions,uv,pv,add_to_cart_rate&breakdown=channel&${q}`)).breakdown;
  const attribution = (await get(`/v1/attribution?model=last_touch&${q}`)).channels;
  const funnel = await fw.analytics.funnel({ shopId: shop.shopId, timezone: TZ, currency: 'CNY' },
    { steps: [{ event: '$pageview' }, { event: 'Product Added' }], window: '1d', from: PERIOD.from, to: PERIOD.to, breakdown: 'channel' });
  const keyed = <T>(rows: { key: string; values: T }[]): Record<string, T> => Object.fromEntries(rows.map((r) => [r.key, r.values]));
  return {
    totals,
    byChannel: keyed<Record<string, number>>(byChannel),
    attribution,
    funnel: keyed(funnel.breakdown!.map((b) => ({ key: b.key, values: b.steps.map((s) => s.people) }))),
  };
}

async function ingest(shopId: string, calls: readonly Call[], batches: readonly number[], rollUpAfter?: number) {
  let i = 0;
  for (const [k, size] of [...batches, calls.length].entries()) {
    if (i >= calls.length) break;
    const part = calls.slice(i, i + Math.max(1, size));
    i += part.length;
    const r = await fw.tracking.ingest(shopId, { kind: 'calls', calls: part });
    expect(r.rejected).toEqual([]);
    if (k === rollUpAfter) await fw.analytics.sessions.refresh();
  }
}

const approx = (values: Record<string, number | null>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === null ? null : Math.round(v * 1e9) / 1e9]));

describe('sessions by event time', () => {
  it('gives the same sessions, bounce rate, duration, channels, attribution and funnel for any arrival order, as the definition does', async () => {
    await fc.assert(fc.asyncProperty(
      shopHistory,
      fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 6 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 100, maxLength: 100 }),
      fc.option(fc.nat({ max: 6 }), { nil: undefined }),
      async (history, batches, keys, rollUpAfter) => {
        const calls = callsOf(history);
        const orders = ordersOf(history);
        const inTime = [...calls].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
        const shuffled = calls.map((c, i) => ({ c, k: keys[i % keys.length] + i * 1e-9 })).sort((a, b) => a.k - b.k).map((x) => x.c);
        const ordered = await newShop(fw);
        const permuted = await newShop(fw);
        for (const shop of [ordered, permuted]) {
          if (orders.length > 0) expect((await call(fw, 'POST', '/v1/orders/batch', shop.secretKey, { records: orders })).body.accepted).toBe(orders.length);
        }
        await fw.projector.drain();
        await ingest(ordered.shopId, inTime, [inTime.length]);
        // Out of order, in batches, with the rollup run part way (the rest re-computed at query time).
        await ingest(permuted.shopId, shuffled, batches, rollUpAfter);

        const sessions = referenceSessions(await referenceEvents(fw.store, ordered.shopId), TZ);
        const a = await observed(ordered);
        const b = await observed(permuted);
        expect(b).toEqual(a);
        expect(approx(a.totals)).toEqual(approx(referenceMetrics(sessions, PERIOD.start, PERIOD.end)));
        const visitors = referenceVisitorsByChannel(sessions, PERIOD.start, PERIOD.end);
        expect(Object.fromEntries(Object.entries(a.byChannel).map(([k, v]) => [k, { uv: v.uv, pv: v.pv, add_to_cart_rate: v.add_to_cart_rate }]))).toEqual(visitors);
        const sessionsByChannel = Object.fromEntries(Object.keys(visitors).map((c) => [c, sessions.filter((s) => s.channel === c).length]));
        expect(Object.fromEntries(Object.entries(a.byChannel).map(([k, v]) => [k, v.sessions]))).toEqual(sessionsByChannel);
        const credited = Object.fromEntries(a.attribution.filter((c: { sales: number }) => c.sales > 0).map((c: { channel: string; sales: number }) => [c.channel, c.sales]));
        expect(credited).toEqual(referenceAttribution(sessions, orders));
      }), { numRuns: 30 });
  }, 300_000);

  const metrics = async (shop: { secretKey: string }, extra = '') => {
    const res = await call(fw, 'GET', `/v1/metrics?metrics=sessions,bounce_rate,avg_session_duration&from=2026-03-10&to=2026-03-11${extra}`, shop.secretKey);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const send = async (shop: { shopId: string }, calls: Record<string, unknown>[]) => {
    const r = await fw.tracking.ingest(shop.shopId, { kind: 'calls', calls });
    expect(r.rejected).toEqual([]);
  };
  const page = (id: string, time: string, extra: Record<string, unknown> = {}) => ({ type: 'page', messageId: id, anonymousId: 'phone', timestamp: `2026-03-10T${time}:00+08:00`, ...extra });

  it('merges two sessions when a late event falls between them, before and after the rollup takes it', async () => {
    const shop = await newShop(fw);
    await send(shop, [page('m1', '10:00'), page('m2', '10:40')]);
    await fw.analytics.sessions.refresh();
    expect((await metrics(shop)).totals).toEqual({ sessions: 2, bounce_rate: 1, avg_session_duration: 0 });
    // A mobile app flushes its queue: an add-to-cart of 10:20, 40 minutes late.
    await send(shop, [{ type: 'track', event: 'Product Added', messageId: 'm3', anonymousId: 'phone', timestamp: '2026-03-10T10:20:00+08:00' }]);
    const merged = { sessions: 1, bounce_rate: 0, avg_session_duration: 2400 };
    expect((await metrics(shop)).totals).toEqual(merged);
    await fw.analytics.sessions.refresh();
    expect((await metrics(shop)).totals).toEqual(merged);
  });

  it('splits a session when a campaign touch arrives after the rollup covered its quarter hour', async () => {
    const shop = await newShop(fw);
    const social = { context: { page: { url: 'https://shop.cn/', referrer: 'https://www.douyin.com/v/1' } } };
    await send(shop, [page('s1', '10:00', social), page('s2', '10:10'), page('s3', '10:20')]);
    await fw.analytics.sessions.refresh();
    const byChannel = async () => Object.fromEntries((await metrics(shop, '&breakdown=channel')).breakdown.map((b: { key: string; values: object }) => [b.key, b.values]));
    expect(await byChannel()).toEqual({ social: { sessions: 1, bounce_rate: 0, avg_session_duration: 1200 } });
    // The 10:05 click on an email arrives late: from then on the visit is the email's.
    await send(shop, [page('s4', '10:05', { context: { page: { url: 'https://shop.cn/?utm_source=edm&utm_medium=email' } } })]);
    const split = {
      social: { sessions: 1, bounce_rate: 1, avg_session_duration: 0 },
      email: { sessions: 1, bounce_rate: 0, avg_session_duration: 900 },
    };
    expect(await byChannel()).toEqual(split);
    await fw.analytics.sessions.refresh();
    expect(await byChannel()).toEqual(split);
    const visitors = await call(fw, 'GET', '/v1/metrics?metrics=uv,pv&breakdown=channel&from=2026-03-10&to=2026-03-11', shop.secretKey);
    expect(Object.fromEntries(visitors.body.breakdown.map((b: { key: string; values: object }) => [b.key, b.values]))).toEqual({ social: { uv: 1, pv: 1 }, email: { uv: 1, pv: 3 } });
  });

  it('cuts visitors of a category by the channel of their session, at query time, late landings included', async () => {
    const shop = await newShop(fw);
    const view = (id: string, time: string, category: string) => ({ type: 'track', event: 'Product Viewed', messageId: id, anonymousId: 'phone', timestamp: `2026-03-10T${time}:00+08:00`, properties: { category } });
    await send(shop, [view('v1', '10:05', '服饰'), page('v2', '11:00', { context: { page: { url: 'https://shop.cn/?utm_source=edm&utm_medium=email' } } }), view('v3', '11:02', '美妆')]);
    const byCategory = async (channel: string) => {
      const res = await call(fw, 'GET', `/v1/metrics?metrics=uv,pv&breakdown=category&filter.channel=${channel}&from=2026-03-10&to=2026-03-11`, shop.secretKey);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return Object.fromEntries(res.body.breakdown.map((b: { key: string; values: object }) => [b.key, b.values]));
    };
    expect(await byCategory('email')).toEqual({ 美妆: { uv: 1, pv: 0 } });
    expect(await byCategory('direct')).toEqual({ 服饰: { uv: 1, pv: 0 } });
    // The Douyin landing the 10:05 view came from arrives late.
    await send(shop, [page('v0', '10:00', { context: { page: { url: 'https://shop.cn/', referrer: 'https://www.douyin.com/v/2' } } })]);
    expect(await byCategory('social')).toEqual({ 服饰: { uv: 1, pv: 0 } });
    expect(await byCategory('direct')).toEqual({});
  });

  it('cuts at local midnight in a zone with daylight saving, across the switch', async () => {
    const shop = await fw.shops.createShop({ name: 'New York shop', timezone: 'America/New_York' });
    const at = (id: string, timestamp: string) => ({ type: 'page', messageId: id, anonymousId: 'ny', timestamp });
    await send(shop, [
      at('n1', '2026-03-08T01:50:00-05:00'), at('n2', '2026-03-08T03:05:00-04:00'), // 15 minutes apart: the clocks jumped from 2:00 to 3:00
      at('n3', '2026-03-08T23:50:00-04:00'), at('n4', '2026-03-09T00:10:00-04:00'), // 20 minutes apart, but on two days
    ]);
    const get = async () => (await call(fw, 'GET', '/v1/metrics?metrics=sessions,bounce_rate,avg_session_duration&from=2026-03-08&to=2026-03-10&grain=day', shop.secretKey)).body;
    const expected = {
      totals: { sessions: 3, bounce_rate: 2 / 3, avg_session_duration: 300 },
      series: [
        { start: '2026-03-08', values: { sessions: 2, bounce_rate: 0.5, avg_session_duration: 450 } },
        { start: '2026-03-09', values: { sessions: 1, bounce_rate: 1, avg_session_duration: 0 } },
      ],
    };
    expect(await get()).toMatchObject(expected);
    await fw.analytics.sessions.refresh();
    expect(await get()).toMatchObject(expected);
  });

  it('counts a customer on two devices at once as one session, also when the sign-in arrives after the rollup', async () => {
    // The cause of one session too many in arrival order: sessions were cut per device at ingest.
    const shop = await newShop(fw);
    await send(shop, [
      page('t1', '10:00', { userId: 'u1', anonymousId: 'laptop' }),
      page('t2', '10:08', { anonymousId: 'phone' }),
      page('t3', '10:12', { userId: 'u1', anonymousId: 'laptop' }),
    ]);
    await fw.analytics.sessions.refresh();
    expect((await metrics(shop)).totals).toMatchObject({ sessions: 2 }); // the phone is nobody yet
    await send(shop, [{ type: 'identify', messageId: 't4', anonymousId: 'phone', userId: 'u1', timestamp: '2026-03-10T10:09:00+08:00' }]);
    const one = { sessions: 1, bounce_rate: 0, avg_session_duration: 720 };
    expect((await metrics(shop)).totals).toEqual(one);
    await fw.analytics.sessions.refresh();
    expect((await metrics(shop)).totals).toEqual(one);
  });
});
