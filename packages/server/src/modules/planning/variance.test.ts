import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lmdiEffects, salesVariance } from './variance';

const L = (a: number, b: number) => (a === b ? a : (a - b) / (Math.log(a) - Math.log(b)));

describe('LMDI variance of sales = UV x conversion x 客单价', () => {
  it('matches the hand formula on a known month', () => {
    // target 200,000 fen at 25% conversion and 400元 per buyer -> 20 UV; actual 10 UV, 3 buyers, 80,000 fen
    const v = salesVariance(200_000, { conversionRate: 0.25, perCustomerSpend: 40_000 }, { sales: 80_000, uv: 10, buyers: 3 });
    const w = L(80_000, 200_000);
    expect(v.gap).toBe(-120_000);
    expect(v.uvEffect).toBeCloseTo(w * Math.log(10 / 20), -0.5);
    expect(v.conversionEffect).toBeCloseTo(w * Math.log(0.3 / 0.25), -0.5);
    expect(v.perCustomerSpendEffect).toBeCloseTo(w * Math.log(80_000 / 3 / 40_000), -0.5);
    expect(v.uvEffect + v.conversionEffect + v.perCustomerSpendEffect).toBe(-120_000);
    expect(v.factors.target[0]).toBeCloseTo(20, 9);
  });

  it('effects always add up exactly to the gap, including zeros on either side', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 1e11 }),
      fc.option(fc.double({ min: 0.0001, max: 1, noNaN: true }), { nil: null }),
      fc.option(fc.integer({ min: 1, max: 1e7 }), { nil: null }),
      fc.integer({ min: 0, max: 1e11 }),
      fc.integer({ min: 0, max: 1e7 }),
      fc.integer({ min: 0, max: 1e6 }),
      (targetSales, cr, p, actualSales, uv, buyers) => {
        const sales = buyers === 0 ? 0 : actualSales; // no buyer, no sales
        const v = salesVariance(targetSales, { conversionRate: cr, perCustomerSpend: p }, { sales, uv, buyers });
        expect(v.gap).toBe(sales - targetSales);
        expect(v.uvEffect + v.conversionEffect + v.perCustomerSpendEffect).toBe(v.gap);
        expect([v.uvEffect, v.conversionEffect, v.perCustomerSpendEffect].every(Number.isSafeInteger)).toBe(true);
      },
    ), { numRuns: 500 });
  });

  it('raw LMDI effects sum to S1 - S0 and each has the sign of its factor\'s change', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.double({ min: 0.01, max: 1e4, noNaN: true }), fc.double({ min: 0.01, max: 1e4, noNaN: true })), { minLength: 1, maxLength: 5 }), (pairs) => {
      const x0 = pairs.map((p) => p[0]);
      const x1 = pairs.map((p) => p[1]);
      const e = lmdiEffects(x0, x1);
      const s0 = x0.reduce((a, b) => a * b, 1);
      const s1 = x1.reduce((a, b) => a * b, 1);
      // equal up to float rounding, relative to the size of the products
      expect(Math.abs(e.reduce((a, b) => a + b, 0) - (s1 - s0))).toBeLessThanOrEqual(1e-9 * Math.max(s0, s1, 1));
      pairs.forEach(([a, b], i) => { if (b > a) expect(e[i]).toBeGreaterThan(0); if (b < a) expect(e[i]).toBeLessThan(0); });
    }), { numRuns: 300 });
  });

  it('gives a change to zero to the factor that went to zero (the δ -> 0 limit)', () => {
    expect(lmdiEffects([10, 0.5, 100], [0, 0.5, 100])).toEqual([-500, 0, 0]);
    expect(lmdiEffects([0, 0.5, 100], [10, 0.4, 120])).toEqual([480, 0, 0]);
    expect(lmdiEffects([0, 0, 1], [0, 3, 1])).toEqual([0, 0, 0]);
    // nobody came: all of the gap is traffic
    const empty = salesVariance(100_000, { conversionRate: 0.02, perCustomerSpend: 5000 }, { sales: 0, uv: 0, buyers: 0 });
    expect(empty).toMatchObject({ gap: -100_000, uvEffect: -100_000, conversionEffect: 0, perCustomerSpendEffect: 0 });
    // visitors came, nobody bought: all of it is conversion
    expect(salesVariance(100_000, { conversionRate: 0.02, perCustomerSpend: 5000 }, { sales: 0, uv: 500, buyers: 0 })).toMatchObject({ uvEffect: 0, conversionEffect: -100_000, perCustomerSpendEffect: 0 });
    // a zero target: all of the sales are traffic above plan
    expect(salesVariance(0, { conversionRate: 0.02, perCustomerSpend: 5000 }, { sales: 7000, uv: 50, buyers: 2 })).toMatchObject({ gap: 7000, uvEffect: 7000 });
  });

  it('holds UV at target when orders come with no tracked visitors, and says so', () => {
    const v = salesVariance(100_000, { conversionRate: 0.02, perCustomerSpend: 5000 }, { sales: 90_000, uv: 0, buyers: 20 });
    expect(v.uvEffect).toBe(0);
    expect(v.conversionEffect + v.perCustomerSpendEffect).toBe(-10_000);
    expect(v.notes).toContainEqual({ key: 'note.no_visitors', values: {} });
  });

  it('reports no target rate where neither an assumption nor an actual is known', () => {
    const v = salesVariance(0, { conversionRate: null, perCustomerSpend: null }, { sales: 0, uv: 0, buyers: 0 });
    expect(v).toMatchObject({ gap: 0, uvEffect: 0, conversionEffect: 0, perCustomerSpendEffect: 0, target: { uv: 0, conversionRate: null, perCustomerSpend: null } });
    const held = salesVariance(50_000, { conversionRate: null, perCustomerSpend: 10_000 }, { sales: 40_000, uv: 100, buyers: 4 });
    expect(held.target).toEqual({ uv: 125, conversionRate: 0.04, perCustomerSpend: 10_000 });
    expect(held.conversionEffect).toBe(0);
    expect(held.uvEffect + held.perCustomerSpendEffect).toBe(-10_000);
  });

  it('refuses negative factors and sales: they have no logarithm', () => {
    expect(() => lmdiEffects([1, -2], [1, 2])).toThrow(RangeError);
    expect(() => salesVariance(-1, { conversionRate: 0.1, perCustomerSpend: 100 }, { sales: 0, uv: 0, buyers: 0 })).toThrow(RangeError);
  });
});
