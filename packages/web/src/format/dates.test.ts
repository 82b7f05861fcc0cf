import { describe, expect, it } from 'vitest';
import { addMonths, comparisonDays, presetPeriod } from './dates';

describe('periods in the console', () => {
  it('compares October with September, as the server measures it (not the 31 days before October)', () => {
    const october = presetPeriod('last_month', '2026-11-15');
    expect(october).toEqual({ from: '2026-10-01', to: '2026-11-01' });
    expect(comparisonDays(october)).toEqual({ from: '2026-09-01', to: '2026-09-30' });
    expect(comparisonDays({ from: '2026-03-01', to: '2026-04-01' })).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(comparisonDays({ from: '2026-10-01', to: '2027-01-01' })).toEqual({ from: '2026-07-01', to: '2026-09-30' });
    // Anything that is not whole months shifts by its own length.
    expect(comparisonDays({ from: '2026-10-16', to: '2026-11-15' })).toEqual({ from: '2026-09-16', to: '2026-10-15' });
    expect(comparisonDays(october, 'previous_year')).toEqual({ from: '2025-10-01', to: '2025-10-31' });
  });

  it('adds months the server\'s way: the day is kept, clamped to the month\'s end', () => {
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2026-01-15', 1)).toBe('2026-02-15');
    expect(presetPeriod('last_month', '2026-03-31')).toEqual({ from: '2026-02-01', to: '2026-03-01' });
  });
});
