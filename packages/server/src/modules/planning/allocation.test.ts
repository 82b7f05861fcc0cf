import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundToSum, splitByLargestRemainder } from './allocation';

describe('largest-remainder split', () => {
  it('splits 100 fen three ways as 34/33/33 and follows the weights', () => {
    expect(splitByLargestRemainder(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(splitByLargestRemainder(1000, [1, 2, 7])).toEqual([100, 200, 700]);
    // 10 x 1/3 = 3.33.. each: the one unit left goes to the first of the equal remainders
    expect(splitByLargestRemainder(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(splitByLargestRemainder(-100, [1, 1, 1])).toEqual([-33, -33, -34]);
    expect(splitByLargestRemainder(7, [0, 0])).toEqual([4, 3]);
  });

  it('children always sum to the parent exactly, each within one unit of its exact share', () => {
    fc.assert(fc.property(
      fc.integer({ min: -5e12, max: 5e12 }),
      fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 60 }),
      (total, weights) => {
        const parts = splitByLargestRemainder(total, weights);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
        const sum = weights.reduce((a, b) => a + b, 0);
        parts.forEach((p, i) => {
          expect(Number.isInteger(p)).toBe(true);
          const exact = sum > 0 ? (total * weights[i]) / sum : total / weights.length;
          expect(Math.abs(p - exact)).toBeLessThan(1 + 1e-6 * Math.abs(total));
        });
      },
    ), { numRuns: 300 });
  });

  it('roundToSum hits any integer total, even when the floats drifted off it', () => {
    fc.assert(fc.property(
      fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 20 }),
      fc.integer({ min: -3, max: 3 }),
      (values, drift) => {
        const total = Math.round(values.reduce((a, b) => a + b, 0)) + drift;
        const out = roundToSum(values, total);
        expect(out.reduce((a, b) => a + b, 0)).toBe(total);
      },
    ), { numRuns: 300 });
  });

  it('refuses what cannot be split', () => {
    expect(() => splitByLargestRemainder(10.5, [1])).toThrow(RangeError);
    expect(() => splitByLargestRemainder(10, [-1, 2])).toThrow(RangeError);
    expect(() => roundToSum([], 1)).toThrow(RangeError);
  });
});
