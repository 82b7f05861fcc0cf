import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, splitRange, type MetricName, type PlanPeriod, type Target } from '@flywheel/contracts';
import type { Measure, Scope } from './measure';
import { periodOf } from './periods';
import { rateOf, runRateWindow } from './run-rate';
import { TargetPacing } from './target-pacing';
import type { PlanService } from './plans';

/**
 * A shop's daily sales and visitors as a Measure answers them (the metric layer's series: buckets
 * clipped to the scope), so pacing runs on exactly the numbers a test gives it.
 */
function fakeMeasure(daily: Map<string, number>): Measure {
  const value = (date: string) => daily.get(date) ?? 0;
  const days = (s: Scope) => { const out: string[] = []; for (let d = s.from; d < s.to; d = addDays(d, 1)) out.push(d); return out; };
  const sum = (s: Scope) => days(s).reduce((a, d) => a + value(d), 0);
  const fake = {
    async totals(metrics: readonly MetricName[], s: Scope) { return Object.fromEntries(metrics.map((m) => [m, sum(s)])); },
    async series(metrics: readonly MetricName[], s: Scope, grain: string) {
      if (grain === 'day') return days(s).map((d) => ({ start: d, values: Object.fromEntries(metrics.map((m) => [m, value(d)])) }));
      return splitRange(s, 'month').map((p) => ({ start: p.from, values: Object.fromEntries(metrics.map((m) => [m, sum(p)])) }));
    },
    async breakdown() { return []; },
  };
  return fake as unknown as Measure;
}

const target = (metric: MetricName, period: PlanPeriod, value: number): Target => ({
  id: `t-${period.label}`, planId: 'p', parentId: null, metric, value, period, dimension: null, dimensionValue: null,
  owner: null, note: null, splitBy: null, method: null, assumptions: null, createdAt: '', updatedAt: '',
});

const pacing = new TargetPacing({} as PlanService);
const year = periodOf('2026-01-01', '2027-01-01');

describe('the run rate', () => {
  it('is the month so far, and at least the last 14 days', () => {
    expect(runRateWindow('2026-10-20')).toEqual({ from: '2026-10-01', to: '2026-10-20' });
    expect(runRateWindow('2026-12-03')).toEqual({ from: '2026-11-19', to: '2026-12-03' });
    expect(runRateWindow('2026-11-01')).toEqual({ from: '2026-10-01', to: '2026-11-01' });
  });

  it('is this window over last year\'s, with the noise of its deseasonalised days', () => {
    expect(rateOf([20, 40], [10, 20])).toMatchObject({ seasonal: true, rate: 2, cv: 0 });
    expect(rateOf([10, 30], null)).toMatchObject({ seasonal: false, rate: 20 });
    expect(rateOf([10, 30], [0, 0]).seasonal).toBe(false);
  });
});

describe('forecasts that add up', () => {
  it('makes a year\'s forecast its finished quarters\' actuals plus the running quarter\'s forecast (and the same by months)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 50_000 }), { minLength: 730, maxLength: 730 }),
      fc.integer({ min: 400, max: 729 }),
      fc.integer({ min: 0, max: 400 }),
      async (values, asOfIndex, historyFrom) => {
        // History from some day of 2025 on (a shop that opened during last year), to asOf in 2026.
        const daily = new Map(values.map((v, i) => [addDays('2025-01-01', i), i >= historyFrom ? v : 0]));
        const m = fakeMeasure(daily);
        const asOf = addDays('2025-01-01', asOfIndex);
        const forecast = async (p: PlanPeriod) => (await pacing.paceTarget(m, target('sales', p, 1_000_000), asOf)).forecast!;
        const whole = await forecast(year);
        const quarters = await Promise.all(splitRange(year, 'quarter').map(forecast));
        const months = await Promise.all(splitRange(year, 'month').map(forecast));
        expect(quarters.reduce((a, b) => a + b, 0)).toBe(whole);
        expect(months.reduce((a, b) => a + b, 0)).toBe(whole);
      },
    ), { numRuns: 15 });
  });

  it('labels quarters that are over achieved or missed, and paces the running one', async () => {
    const daily = new Map(Array.from({ length: 700 }, (_, i) => [addDays('2025-01-01', i), 1000]));
    const m = fakeMeasure(daily);
    const asOf = '2026-11-16';
    const rows = await Promise.all(splitRange(year, 'quarter').map((p, i) => pacing.paceTarget(m, target('sales', p, i === 0 ? 80_000 : 100_000), asOf)));
    // 90 days of 1,000 against 80,000; 91 and 92 days against 100,000
    expect(rows.map((r) => r.status)).toEqual(['achieved', 'missed', 'missed', 'at_risk']); // Q4: 92% forecast
    expect(rows[3]).toMatchObject({ actualToDate: 46_000, forecast: 92_000 });
  });

  it('takes no seasonal curve from a last year the shop was not open for all of', async () => {
    // The shop opened on 2025-10-30: last year's Q4 has a month without data, so Q4 runs along a straight line.
    const daily = new Map(Array.from({ length: 400 }, (_, i) => [addDays('2025-10-30', i), 1000]));
    const row = await pacing.paceTarget(fakeMeasure(daily), target('sales', periodOf('2026-10-01', '2027-01-01'), 92_000), '2026-12-03');
    expect(row.curve).toBe('linear');
    expect(row.expectedToDate).toBe(63_000);
    expect(row.forecast).toBe(92_000);
  });
});
