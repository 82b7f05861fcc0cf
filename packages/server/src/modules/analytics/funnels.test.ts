import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../../app';
import { newShop, startFlywheel } from '../../testing/harness';
import { funnel, funnelDropOffs } from './funnels';
import { EventSequences } from './sequences';

let fw: Flywheel;
/** Compacts at every catch-up, so each funnel also runs over the compacted layout. */
let compacting: EventSequences;
beforeAll(async () => {
  fw = await startFlywheel();
  compacting = new EventSequences(fw.store, undefined, 0);
});
afterAll(async () => { await fw?.close(); });

const STEPS = ['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed'];
const EVENTS = [...STEPS, 'Products Searched'];
const START = Date.parse('2026-03-01T00:00:00+08:00');
const WINDOW_HOURS = 6;

/**
 * The definition, by brute force: the most steps a person did in order (strictly later each time, as
 * the generated times of a person are distinct) with the last within the window of the first.
 */
function reference(events: { event: string; hour: number }[]): number {
  const sorted = [...events].sort((a, b) => a.hour - b.hour);
  let best = 0;
  const extend = (from: number, level: number, startHour: number) => {
    best = Math.max(best, level);
    if (level === STEPS.length) return;
    for (let i = from; i < sorted.length; i++) {
      if (sorted[i].event === STEPS[level] && sorted[i].hour - startHour <= WINDOW_HOURS) extend(i + 1, level + 1, startHour);
    }
  };
  sorted.forEach((e, i) => { if (e.event === STEPS[0]) extend(i + 1, 1, e.hour); });
  return best;
}

describe('funnel', () => {
  it('counts at each step the people whose best ordered attempt got there within the window', async () => {
    // Up to 5 people, each with up to 12 events at distinct hours of one day.
    const person = fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { maxLength: 12 })
      .chain((hours) => fc.tuple(...hours.map((hour) => fc.record({ hour: fc.constant(hour), event: fc.constantFrom(...EVENTS) }))));
    await fc.assert(fc.asyncProperty(fc.array(person, { minLength: 1, maxLength: 5 }), async (people) => {
      const shop = await newShop(fw);
      const calls = people.flatMap((events, p) => events.map((e, i) => ({
        type: 'track', event: e.event, userId: `u${p}`, messageId: `u${p}-${i}`, timestamp: new Date(START + e.hour * 3600_000).toISOString(),
      })));
      await fw.tracking.ingest(shop.shopId, { kind: 'calls', calls }, { historical: true });
      const levels = people.map(reference);
      // The events as stored (out of time order), and compacted into one time-ordered group per person.
      for (const sequences of [fw.analytics.sequences, compacting]) {
        const result = await funnel(sequences, { shopId: shop.shopId, timezone: 'Asia/Shanghai', currency: 'CNY' },
          { steps: STEPS.map((event) => ({ event })), window: `${WINDOW_HOURS}h`, from: '2026-03-01', to: '2026-03-02' });
        expect(result.steps.map((s) => s.people)).toEqual(STEPS.map((_, k) => levels.filter((l) => l > k).length));
      }
    }), { numRuns: 40 });
  });

  it('follows a visitor from an anonymous phone to their account, with events arriving after earlier funnels', async () => {
    const shop = await newShop(fw);
    const ctx = { shopId: shop.shopId, timezone: 'Asia/Shanghai', currency: 'CNY' };
    const req = { steps: STEPS.map((event) => ({ event })), window: '1d', from: '2026-03-01', to: '2026-03-02' };
    // The same funnel with a condition on step 1: only views of 连衣裙 count.
    const dresses = { ...req, steps: req.steps.map((s, k) => (k === 0 ? { ...s, where: { category: '连衣裙' } } : s)) };
    let n = 0;
    const send = (event: string, hour: number, who: { anonymousId?: string; userId?: string }, properties = {}) => fw.tracking.ingest(shop.shopId, {
      kind: 'calls', calls: [{ type: 'track', event, ...who, properties, messageId: `m${n++}`, timestamp: new Date(START + hour * 3600_000).toISOString() }],
    }, { historical: true });
    // Four layouts: events as appended, compacted at every catch-up, compacted after each check so the
    // next funnel reads compacted and newly appended events together, and dropped after every funnel
    // (a memory budget of 1 byte) so each one loads afresh.
    const mixed = new EventSequences(fw.store, undefined, Infinity);
    const layouts = [fw.analytics.sequences, compacting, mixed, new EventSequences(fw.store, 1)];
    const check = async (people: number[], dressPeople: number[]) => {
      for (const sequences of layouts) {
        expect((await funnel(sequences, ctx, req)).steps.map((s) => s.people)).toEqual(people);
        expect((await funnel(sequences, ctx, dresses)).steps.map((s) => s.people)).toEqual(dressPeople);
      }
      await mixed.use(shop.shopId, Date.parse('2026-03-01T00:00:00+08:00'), (seq) => seq.compact());
    };

    await send('Product Viewed', 2, { anonymousId: 'phone' }, { category: '连衣裙' });
    await send('Product Added', 3, { anonymousId: 'phone' });
    await check([1, 1, 0, 0], [1, 1, 0, 0]);
    // Checkout on a laptop, signed in as u1: a person of its own until the phone is linked to u1.
    await send('Checkout Started', 4, { anonymousId: 'laptop', userId: 'u1' });
    await send('Order Completed', 5, { userId: 'u1' });
    await check([1, 1, 0, 0], [1, 1, 0, 0]);
    // Signing in on the phone links it to u1: its earlier events are u1's, who now did every step.
    await send('Signed In', 6, { anonymousId: 'phone', userId: 'u1' });
    await check([1, 1, 1, 1], [1, 1, 1, 1]);
    // A late import of an earlier view by another visitor, who added nothing to the cart.
    await send('Product Viewed', 1, { anonymousId: 'tablet' }, { category: '衬衫' });
    await check([2, 1, 1, 1], [1, 1, 1, 1]);
    for (const sequences of layouts) expect((await funnelDropOffs(sequences, ctx, { ...req, step: 2, limit: 10 })).people).toEqual(['tablet']);
  });

  it('breaks people down by the channel of the session their step 1 belongs to, cut by event time', async () => {
    const shop = await newShop(fw);
    const ctx = { shopId: shop.shopId, timezone: 'Asia/Shanghai', currency: 'CNY' };
    const req = { steps: [{ event: '$pageview' }, { event: 'Product Added' }], window: '1d', from: '2026-03-01', to: '2026-03-02', breakdown: 'channel' as const };
    const send = (calls: Record<string, unknown>[]) => fw.tracking.ingest(shop.shopId, { kind: 'calls', calls });
    const time = (hm: string) => `2026-03-01T${hm}:00+08:00`;
    await send([
      { type: 'page', messageId: 'p2', anonymousId: 'phone', timestamp: time('10:00') },
      { type: 'track', event: 'Product Added', messageId: 'p3', anonymousId: 'phone', timestamp: time('10:05') },
    ]);
    const keys = async (sequences: EventSequences) => (await funnel(sequences, ctx, req)).breakdown!.map((b) => [b.key, b.steps.map((s) => s.people)]);
    for (const sequences of [fw.analytics.sequences, compacting]) expect(await keys(sequences)).toEqual([['direct', [1, 1]]]);
    // The landing from Baidu ads two minutes earlier arrives late: the visit, and its 10:00 page, are paid search's.
    await send([{ type: 'page', messageId: 'p1', anonymousId: 'phone', timestamp: time('09:58'), context: { page: { url: 'https://shop.cn/?utm_source=baidu&utm_medium=cpc' } } }]);
    for (const sequences of [fw.analytics.sequences, compacting]) expect(await keys(sequences)).toEqual([['paid_search', [1, 1]]]);
    // An email click (a search from its link) between the page and the cart starts another session; step 1 stays in the first.
    await send([{ type: 'track', event: 'Products Searched', messageId: 'p4', anonymousId: 'phone', timestamp: time('10:02'), context: { page: { url: 'https://shop.cn/?utm_source=edm&utm_medium=email' } } }]);
    for (const sequences of [fw.analytics.sequences, compacting]) expect(await keys(sequences)).toEqual([['paid_search', [1, 1]]]);
  });

  it('matches steps named after the first 65,535 event names of a shop (a client that puts ids in names)', async () => {
    const shop = await newShop(fw);
    const calls = Array.from({ length: 65_540 }, (_, i) => ({
      type: 'track', event: `viewed item ${i}`, userId: i < 65_538 ? 'someone' : 'u1', messageId: `m${i}`, timestamp: new Date(START + i * 1000).toISOString(),
    }));
    await fw.tracking.ingest(shop.shopId, { kind: 'calls', calls }, { historical: true });
    const req = { steps: [{ event: 'viewed item 65538' }, { event: 'viewed item 65539' }, { event: 'viewed item 3' }], window: '1d', from: '2026-03-01', to: '2026-03-02' };
    const result = await funnel(fw.analytics.sequences, { shopId: shop.shopId, timezone: 'Asia/Shanghai', currency: 'CNY' }, req);
    expect(result.steps.map((s) => s.people)).toEqual([1, 1, 0]);
  });
});
