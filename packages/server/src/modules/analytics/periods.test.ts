import { describe, expect, it } from 'vitest';
import { bucketsOf, bucketStart, period, previousPeriod } from './periods';

const TZ = 'Asia/Shanghai';

describe('periods', () => {
  it('bounds a period by local midnights', () => {
    const p = period('2026-11-01', '2026-12-01', TZ);
    expect(p.start.toISOString()).toBe('2026-10-31T16:00:00.000Z');
    expect(p.end.toISOString()).toBe('2026-11-30T16:00:00.000Z');
  });
  it('compares a month with the previous month and a week with the previous week', () => {
    const nov = period('2026-11-01', '2026-12-01', TZ);
    expect(previousPeriod(nov, 'previous_period', TZ)).toMatchObject({ from: '2026-10-01', to: '2026-11-01' });
    expect(previousPeriod(period('2026-03-01', '2026-04-01', TZ), 'previous_period', TZ)).toMatchObject({ from: '2026-02-01', to: '2026-03-01' });
    expect(previousPeriod(period('2026-11-09', '2026-11-16', TZ), 'previous_period', TZ)).toMatchObject({ from: '2026-11-02', to: '2026-11-09' });
    expect(previousPeriod(nov, 'previous_year', TZ)).toMatchObject({ from: '2025-11-01', to: '2025-12-01' });
  });
  it('buckets by ISO week, month and quarter', () => {
    expect(bucketStart('2026-11-11', 'week')).toBe('2026-11-09');
    expect(bucketStart('2026-11-15', 'week')).toBe('2026-11-09');
    expect(bucketStart('2026-11-11', 'quarter')).toBe('2026-10-01');
    expect(bucketsOf('2026-10-15', '2027-01-10', 'month')).toEqual(['2026-10-01', '2026-11-01', '2026-12-01', '2027-01-01']);
    expect(bucketsOf('2026-11-01', '2026-11-04', 'day')).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
  });
});
