import { describe, expect, it } from 'vitest';
import { outcomeOf, pace, statusOf } from './pacing';

// October: 31 days; last year sold 10,000 on the 5th and 30,000 on the 20th.
const curve = Array.from({ length: 31 }, (_, i) => (i === 4 ? 10_000 : i === 19 ? 30_000 : 0));

const left = (expected: number, squares: number, cv: number | null, windowDays = 14) => ({ expected, squares, cv, windowDays });

describe('pacing along the seasonality curve', () => {
  it('expects the share last year had done by the same day, and forecasts what is done plus the days left', () => {
    // by 10-15 (14 days done) last year had done 25%; this year sold 30,000 and the days left are expected to add 90,000
    const out = pace({ kind: 'additive', direction: 'higher', target: 200_000, totalDays: 31, elapsedDays: 14, daily: [], actualToDate: 30_000, curve, daysLeft: left(90_000, 90_000 ** 2, 1.5), whole: true });
    expect(out.curve).toBe('seasonal');
    expect(out.expectedShare).toBe(0.25);
    expect(out.expectedToDate).toBe(50_000);
    expect(out.forecast).toBe(120_000);
    expect(out.status).toBe('off_track'); // 60% of target
    expect(out.interval!.low).toBeGreaterThanOrEqual(30_000);
    expect(out.interval!.low).toBeLessThanOrEqual(120_000);
    expect(out.interval!.high).toBeGreaterThan(120_000);
  });

  it('runs along a straight line without history; a steady rate leaves no doubt', () => {
    const out = pace({ kind: 'additive', direction: 'higher', target: 310, totalDays: 31, elapsedDays: 14, daily: [], actualToDate: 140, curve: null, daysLeft: left(170, 17 * 100, 0), whole: true });
    expect(out).toMatchObject({ curve: 'linear', expectedToDate: 140, forecast: 310, status: 'on_track' });
    expect(out.interval).toEqual({ low: 310, high: 310, level: 0.8 });
  });

  it('widens the interval when days are noisy', () => {
    const noisy = pace({ kind: 'additive', direction: 'higher', target: 310, totalDays: 31, elapsedDays: 14, daily: [], actualToDate: 140, curve: null, daysLeft: left(170, 17 * 100, 1), whole: true });
    expect(noisy.forecast).toBe(310);
    expect(noisy.interval!.high - noisy.interval!.low).toBeGreaterThan(50);
  });

  it('says achieved or missed once the period is over, never at risk', () => {
    const over = pace({ kind: 'additive', direction: 'higher', target: 310, totalDays: 31, elapsedDays: 31, daily: [], actualToDate: 279, curve: null, whole: true });
    expect(over).toMatchObject({ forecast: 279, interval: { low: 279, high: 279 }, status: 'missed' }); // 90%: at_risk while it ran
    expect(pace({ kind: 'additive', direction: 'higher', target: 310, totalDays: 31, elapsedDays: 31, daily: [], actualToDate: 311, curve: null, whole: true }).status).toBe('achieved');
    // less is better: refunds under their ceiling are achieved
    expect(pace({ kind: 'additive', direction: 'lower', target: 1000, totalDays: 30, elapsedDays: 30, daily: [], actualToDate: 1200, curve: null, whole: true }).status).toBe('missed');
    expect(pace({ kind: 'ratio', direction: 'higher', target: 0.04, totalDays: 30, elapsedDays: 30, daily: [0.05], actualToDate: 0.041, curve: null, whole: false }).status).toBe('achieved');
    expect(outcomeOf(0.3, 0.35, 'lower')).toBe('achieved');
  });

  it('has not started before the first day', () => {
    expect(pace({ kind: 'additive', direction: 'higher', target: 1, totalDays: 31, elapsedDays: 0, daily: [], actualToDate: null, curve, whole: true })).toMatchObject({ status: 'not_started', forecast: null, expectedToDate: 0 });
  });

  it('paces a ratio as a level: forecast = the ratio to date', () => {
    const out = pace({ kind: 'ratio', direction: 'higher', target: 0.04, totalDays: 30, elapsedDays: 10, daily: [0.03, 0.05, 0.04, 0.04, 0.035, 0.045, 0.04, 0.04, 0.03, 0.05], actualToDate: 0.039, curve: null, whole: false });
    expect(out).toMatchObject({ curve: 'level', forecast: 0.039, expectedToDate: 0.04, status: 'on_track' });
    expect(out.interval!.low).toBeLessThan(0.039);
    expect(pace({ kind: 'ratio', direction: 'higher', target: 0.04, totalDays: 30, elapsedDays: 10, daily: [], actualToDate: null, curve: null, whole: false }).status).toBe('no_data');
  });

  it('uses 97% and 90% of target as the status thresholds, mirrored where less is better', () => {
    expect(statusOf(97, 100, 'higher')).toBe('on_track');
    expect(statusOf(96.9, 100, 'higher')).toBe('at_risk');
    expect(statusOf(90, 100, 'higher')).toBe('at_risk');
    expect(statusOf(89.9, 100, 'higher')).toBe('off_track');
    expect(statusOf(103, 100, 'lower')).toBe('on_track');
    expect(statusOf(105, 100, 'lower')).toBe('at_risk');
    expect(statusOf(111, 100, 'lower')).toBe('off_track');
  });
});
