import { describe, expect, it } from 'vitest';
import {
  addDays, campaignOn, categoryMultiplier, dayMultiplier, dayProfile, estimateSpringFestival, mothersDay, springFestival, weekday,
} from './calendar';

describe('demo calendar', () => {
  it('knows 春节 from its table and estimates other years within a day', () => {
    expect(springFestival(2024)).toBe('2024-02-10');
    expect(springFestival(2025)).toBe('2025-01-29');
    expect(springFestival(2026)).toBe('2026-02-17');
    expect(springFestival(2030)).toBe('2030-02-03');
    for (let year = 2018; year <= 2035; year++) {
      const diff = Math.abs(Date.parse(estimateSpringFestival(year)) - Date.parse(springFestival(year))) / 86_400_000;
      expect(diff, `year ${year}`).toBeLessThanOrEqual(1);
    }
    expect(springFestival(2040)).toMatch(/^2040-0[12]-\d{2}$/);
  });

  it('finds 母亲节 on the second Sunday of May', () => {
    expect(mothersDay(2025)).toBe('2025-05-11');
    expect(mothersDay(2026)).toBe('2026-05-10');
    expect(weekday(mothersDay(2031))).toBe(0);
  });

  it('makes 11-11 the biggest day, 06-18 the second, both far above their surroundings', () => {
    for (const year of [2024, 2026, 2031]) {
      const d11 = dayMultiplier(`${year}-11-11`);
      const d618 = dayMultiplier(`${year}-06-18`);
      expect(d11).toBeGreaterThan(d618);
      expect(d618).toBeGreaterThan(2 * dayMultiplier(`${year}-06-10`));
      expect(d11).toBeGreaterThan(3 * dayMultiplier(`${year}-11-05`));
      let max = 0;
      for (let d = 0; d < 365; d++) max = Math.max(max, dayMultiplier(addDays(`${year}-01-01`, d)));
      expect(max).toBe(d11);
    }
  });

  it('runs 预售 before 双11 with deposits, and names the campaigns', () => {
    expect(dayProfile('2026-10-24').presale).toBe(true);
    expect(campaignOn('2026-10-24')).toBe('双11预售');
    expect(campaignOn('2026-11-11')).toBe('双11');
    expect(campaignOn('2026-05-25')).toBe('618大促');
    expect(dayProfile('2026-05-25').phase).toBe('preheat');
    expect(campaignOn('2026-12-12')).toBe('双12');
    expect(campaignOn('2026-07-15')).toBeNull();
    expect(dayProfile('2026-11-11').fullReduction).toEqual({ threshold: 30000, off: 5000, repeat: true });
    expect(dayProfile('2026-11-11').shopReduction).toEqual({ tiers: [{ min: 40000, off: 3000 }, { min: 80000, off: 8000 }] });
    expect(dayProfile('2026-06-18').shopReduction).toBeNull();
  });

  it('dips over 春节 and lifts food in the 年货节 before it', () => {
    const sf = springFestival(2026);
    expect(dayMultiplier(sf)).toBeLessThan(0.5);
    expect(dayMultiplier(addDays(sf, -1))).toBeLessThan(0.5);
    const nianhuo = addDays(sf, -15);
    expect(campaignOn(nianhuo)).toBe('年货节');
    expect(categoryMultiplier(nianhuo, '食品')).toBeGreaterThan(2 * categoryMultiplier(nianhuo, '数码'));
    // A 春节 in late January puts the 年货节 into the previous December.
    expect(campaignOn(addDays(springFestival(2028), -28))).toBe('年货节');
    expect(addDays(springFestival(2028), -28).startsWith('2027-12')).toBe(true);
  });

  it('lifts 美妆 and 服饰 on 情人节 and 妇女节, 母婴 on 母亲节', () => {
    expect(categoryMultiplier('2027-02-14', '美妆')).toBeGreaterThan(1.5 * categoryMultiplier('2027-02-14', '数码'));
    expect(categoryMultiplier('2026-03-08', '美妆')).toBeGreaterThan(1.8 * categoryMultiplier('2026-03-08', '家居'));
    expect(categoryMultiplier('2026-03-08', '服饰')).toBeGreaterThan(categoryMultiplier('2026-03-08', '数码'));
    expect(categoryMultiplier(mothersDay(2026), '母婴')).toBeGreaterThan(1.4 * categoryMultiplier(mothersDay(2026), '数码'));
  });

  it('has a weekly rhythm: Sunday above a Tuesday', () => {
    expect(weekday('2026-03-15')).toBe(0);
    expect(dayMultiplier('2026-03-15')).toBeGreaterThan(dayMultiplier('2026-03-17'));
  });

  it('rejects malformed dates', () => {
    expect(() => dayMultiplier('2026-02-30')).toThrow();
    expect(() => dayMultiplier('20260101')).toThrow();
  });
});
