import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../../app';
import { newShop, startFlywheel } from '../../testing/harness';
import { funnel } from './funnels';

let fw: Flywheel;
beforeAll(async () => { fw = await startFlywheel(); });
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
      const result = await funnel(fw.analytics.sequences, { shopId: shop.shopId, timezone: 'Asia/Shanghai', currency: 'CNY' },
        { steps: STEPS.map((event) => ({ event })), window: `${WINDOW_HOURS}h`, from: '2026-03-01', to: '2026-03-02' });
      const levels = people.map(reference);
      expect(result.steps.map((s) => s.people)).toEqual(STEPS.map((_, k) => levels.filter((l) => l > k).length));
    }), { numRuns: 40 });
  });
});
