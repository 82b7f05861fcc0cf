import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderText } from '@flywheel/contracts';
import { dailyCurve, dayWeights, evenWeights, expectedShare, seasonalWeights } from './seasonality';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('seasonality weights', () => {
  it('gives 618 and 双11 months the share they had last year', () => {
    const history = [10, 10, 10, 10, 10, 30, 10, 10, 10, 10, 50, 10];
    const labels = history.map((_, i) => `2026-${String(i + 1).padStart(2, '0')}`);
    const w = seasonalWeights(history, labels, history.map(() => 30));
    expect(w.method).toBe('seasonal');
    expect(w.weights[10]).toBeCloseTo(50 / 180, 12);
    expect(w.weights[5]).toBeCloseTo(30 / 180, 12);
    expect(w.note).toBeNull();
  });

  it('falls back to even (by days) when any child has no history, and says which', () => {
    const w = seasonalWeights([null, 5, 0], ['2026-01', '2026-02', '2026-03'], [31, 28, 31]);
    expect(w.method).toBe('even');
    expect(w.weights).toEqual([31 / 90, 28 / 90, 31 / 90]);
    expect(w.note).toEqual({ key: 'plan.seasonal.missing', values: { missing: '2026-01, 2026-03' } });
    expect(renderText('zh-CN', w.note!)).toBe('无季节性：去年 2026-01, 2026-03 没有数据，因此平均拆分');
    expect(seasonalWeights([null, null], ['a', 'b'], [1, 1]).note?.key).toBe('plan.seasonal.no_history');
    const many = seasonalWeights(Array(12).fill(null), Array.from({ length: 12 }, (_, i) => `m${i + 1}`), Array(12).fill(1));
    expect(many.note?.key).toBe('plan.seasonal.no_history');
    const most = seasonalWeights([5, ...Array(11).fill(null)], Array.from({ length: 12 }, (_, i) => `m${i + 1}`), Array(12).fill(1));
    expect(renderText('en', most.note!)).toBe('no seasonality: last year has nothing for m2, m3, m4, m5, m6, m7 and 5 more, so the split is even');
  });

  it('weights always sum to 1', () => {
    fc.assert(fc.property(fc.array(fc.option(fc.double({ min: 0, max: 1e9, noNaN: true }), { nil: null }), { minLength: 1, maxLength: 53 }), (history) => {
      const w = seasonalWeights(history, history.map((_, i) => String(i)), history.map(() => 7));
      expect(sum(w.weights)).toBeCloseTo(1, 9);
      expect(w.weights.every((x) => x >= 0)).toBe(true);
    }));
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 31 }), { minLength: 1, maxLength: 12 }), (basis) => {
      expect(sum(evenWeights(basis))).toBeCloseTo(1, 9);
    }));
  });

  it('expects the share of the period last year had done by the same day', () => {
    // 10 days; last year sold 1 on day 3 and 3 on day 8.
    const curve = [0, 0, 1, 0, 0, 0, 0, 3, 0, 0];
    expect(expectedShare(curve, 2, 10)).toBe(0);
    expect(expectedShare(curve, 3, 10)).toBe(0.25);
    expect(expectedShare(curve, 9, 10)).toBe(1);
    expect(expectedShare(null, 3, 10)).toBeCloseTo(0.3, 12);
    // This year one day longer (leap day): the missing day counts as an average day.
    expect(dayWeights([1, 1, 1], 4)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('has no curve when a month of the period had nothing last year', () => {
    expect(dailyCurve([1, 0, 2, 0], ['2025-10', '2025-10', '2025-11', '2025-11'])).toEqual([1, 0, 2, 0]);
    expect(dailyCurve([1, 0, 0, 0], ['2025-10', '2025-10', '2025-11', '2025-11'])).toBeNull();
  });
});
