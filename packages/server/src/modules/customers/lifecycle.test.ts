import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIFECYCLE_SETTINGS, type LifecycleSettings } from '@flywheel/contracts';
import { AnalyticsStore } from '../../platform/analytics-store';
import { lifecycleParams, lifecycleSql, lifecycleStage } from './lifecycle';

const at = (daysSinceFirst: number, daysSinceLast: number) => lifecycleStage({ daysSinceFirst, daysSinceLast }, DEFAULT_LIFECYCLE_SETTINGS);

describe('lifecycle stage', () => {
  it('follows PRODUCT.md at every boundary with the default 30 / 90 / 180 days', () => {
    expect(lifecycleStage(null, DEFAULT_LIFECYCLE_SETTINGS)).toBe('prospect');
    expect(at(0, 0)).toBe('new');
    expect(at(30, 30)).toBe('new');
    expect(at(31, 31)).toBe('active');
    expect(at(400, 90)).toBe('active');
    expect(at(91, 91)).toBe('dormant'); // one order 91 days ago
    expect(at(180, 180)).toBe('dormant');
    expect(at(181, 181)).toBe('churned');
  });

  it('calls a customer new by the first purchase, whatever the last', () => {
    expect(at(20, 2)).toBe('new');
    expect(at(45, 2)).toBe('active');
  });

  it('uses the shop\'s own day counts', () => {
    const settings = { newDays: 7, activeDays: 60, dormantDays: 120 };
    expect(lifecycleStage({ daysSinceFirst: 8, daysSinceLast: 8 }, settings)).toBe('active');
    expect(lifecycleStage({ daysSinceFirst: 61, daysSinceLast: 61 }, settings)).toBe('dormant');
    expect(lifecycleStage({ daysSinceFirst: 121, daysSinceLast: 121 }, settings)).toBe('churned');
  });
});

describe('lifecycle SQL', () => {
  let store: AnalyticsStore;
  beforeAll(async () => { store = await AnalyticsStore.open(null); });
  afterAll(async () => { await store.close(); });

  it('classifies as lifecycleStage does, for any purchases and settings', async () => {
    const settingsArb: fc.Arbitrary<LifecycleSettings> = fc.tuple(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 400 }))
      .map(([n, a, d]) => ({ newDays: n, activeDays: n + a, dormantDays: n + a + d }));
    const customerArb = fc.option(fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 2000 })).map(([x, y]) => ({ first: Math.max(x, y), last: Math.min(x, y) })), { nil: null });
    await fc.assert(fc.asyncProperty(settingsArb, fc.array(customerArb, { minLength: 1, maxLength: 60 }), async (settings, customers) => {
      const rows = await store.all<{ i: number; stage: string }>(
        `select r.i, ${lifecycleSql('r.first', 'r.last')} as stage from (select unnest(from_json($rows::json, '[{"i":"INTEGER","first":"INTEGER","last":"INTEGER"}]')) as r) order by r.i`,
        { rows: JSON.stringify(customers.map((c, i) => ({ i, first: c?.first ?? null, last: c?.last ?? null }))), ...lifecycleParams(settings) });
      expect(rows.map((r) => r.stage)).toEqual(customers.map((c) => lifecycleStage(c && { daysSinceFirst: c.first, daysSinceLast: c.last }, settings)));
    }), { numRuns: 40 });
  });
});
