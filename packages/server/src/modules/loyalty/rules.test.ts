/** The program's rules: points and growth of amounts, tiers, expiry dates, streaks, birthdays. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOYALTY_PROGRAM } from '@flywheel/contracts';
import { birthdayIn, decideTier, expiresAt, nextBirthday, nextMonthStart, orderPoints, pointsValue, scaledRate, streakBonuses, tierFor, unitOf, worth } from './rules';

const tiers = DEFAULT_LOYALTY_PROGRAM.tiers;

describe('points of an amount', () => {
  it('is floor(amount in 元 × perYuan), exactly', () => {
    expect(worth(12_345, scaledRate(1), 100)).toBe(123);
    expect(worth(12_345, scaledRate(1.5), 100)).toBe(185);
    expect(worth(99, scaledRate(1), 100)).toBe(0);
    // 0.1 × 3 is 0.30000000000000004 in floats; the rate is kept as an integer.
    expect(worth(300, scaledRate(0.1), 100)).toBe(0);
    expect(worth(1000, scaledRate(0.1), 100)).toBe(1);
    expect(worth(12_345, scaledRate(1), unitOf('JPY'))).toBe(12_345);
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 10_000_000 }), (amount, rate) => {
      const exact = (BigInt(amount) * BigInt(rate)) / 1_000_000n;
      expect(worth(amount, rate, 100)).toBe(Number(exact));
    }));
  });

  it('an order is worth less the more is refunded, and nothing fully refunded', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e9 }), fc.nat(), fc.nat(), (paid, a, b) => {
      const [r1, r2] = [a % (paid + 1), b % (paid + 1)].sort((x, y) => x - y);
      expect(orderPoints(paid, r2, 10_000, 100)).toBeLessThanOrEqual(orderPoints(paid, r1, 10_000, 100));
      expect(orderPoints(paid, paid, 10_000, 100)).toBe(0);
    }));
  });

  it('values points at pointsPerYuan in minor units', () => {
    expect(pointsValue(2600, 100, 100)).toBe(2600);
    expect(pointsValue(150, 100, 100)).toBe(150);
    expect(pointsValue(1, 3, 100)).toBe(33);
  });
});

describe('tiers', () => {
  it('is the highest tier whose minGrowth the value reaches', () => {
    expect([0, 1999, 2000, 9999, 10_000, 1e9].map((g) => tierFor(g, tiers).key)).toEqual(['normal', 'normal', 'gold', 'gold', 'diamond', 'diamond']);
  });

  it('upgrades at once, leaves a value below the tier to the monthly review', () => {
    expect(decideTier('normal', 2500, tiers)).toEqual({ kind: 'upgrade', to: tiers[1] });
    expect(decideTier('diamond', 2500, tiers)).toEqual({ kind: 'below', to: tiers[1] });
    expect(decideTier('gold', 2500, tiers)).toEqual({ kind: 'stay' });
    // A tier the program no longer has is replaced by the one the value reaches.
    expect(decideTier('silver', 100, tiers)).toEqual({ kind: 'upgrade', to: tiers[0] });
  });

  it('reviews a downgrade on the 1st of the next local month', () => {
    // 31 January 23:30 in Shanghai is 15:30Z: the next month starts 1 February 00:00 +08:00.
    expect(nextMonthStart(new Date('2026-01-31T23:30:00+08:00'), 'Asia/Shanghai').toISOString()).toBe('2026-01-31T16:00:00.000Z');
    expect(nextMonthStart(new Date('2026-12-15T10:00:00+08:00'), 'Asia/Shanghai').toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });
});

describe('expiry', () => {
  it('12m is the same local time twelve months after the lot became available', () => {
    expect(expiresAt(new Date('2026-03-08T10:00:00+08:00'), '12m', 'Asia/Shanghai').toISOString()).toBe('2027-03-08T02:00:00.000Z');
    // The 31st in a shorter month: its last day.
    expect(expiresAt(new Date('2026-08-31T10:00:00+08:00'), '6m', 'Asia/Shanghai').toISOString()).toBe('2027-02-28T02:00:00.000Z');
  });

  it('year_end_next is the end of 31 December of the next year, by the local date', () => {
    expect(expiresAt(new Date('2026-03-08T10:00:00+08:00'), 'year_end_next', 'Asia/Shanghai').toISOString()).toBe('2027-12-31T16:00:00.000Z');
    // 31 December 2026 20:00 UTC is already 1 January 2027 in Shanghai: its next year is 2028.
    expect(expiresAt(new Date('2026-12-31T20:00:00Z'), 'year_end_next', 'Asia/Shanghai').toISOString()).toBe('2028-12-31T16:00:00.000Z');
    expect(expiresAt(new Date('2026-12-31T20:00:00Z'), 'year_end_next', 'UTC').toISOString()).toBe('2028-01-01T00:00:00.000Z');
  });
});

describe('sign-in and birthdays', () => {
  it('pays a streak rule on every multiple of its days', () => {
    const rules = [{ days: 7, points: 20 }, { days: 30, points: 100 }];
    expect(streakBonuses(6, rules)).toEqual([]);
    expect(streakBonuses(7, rules)).toEqual([rules[0]]);
    expect(streakBonuses(14, rules)).toEqual([rules[0]]);
    expect(streakBonuses(30, rules)).toEqual([rules[1]]);
    expect(streakBonuses(210, rules)).toEqual(rules);
  });

  it('keeps 29 February on the 28th in other years, and finds the next birthday', () => {
    expect([birthdayIn(2027, '1992-02-29'), birthdayIn(2028, '1992-02-29')]).toEqual(['2027-02-28', '2028-02-29']);
    expect(nextBirthday('2026-12-03', '1990-12-03')).toBe('2026-12-03');
    expect(nextBirthday('2026-12-03', '1990-12-02')).toBe('2027-12-02');
    expect(nextBirthday('2026-12-03', '1990-12-25')).toBe('2026-12-25');
  });
});
