import { describe, expect, it } from 'vitest';
import { addDays, addMonths, daysBetween, localDateOf, startOfLocalDay } from './timezone';

describe('time zones', () => {
  it('finds local midnight and the local date in Asia/Shanghai', () => {
    expect(startOfLocalDay('2026-11-11', 'Asia/Shanghai').toISOString()).toBe('2026-11-10T16:00:00.000Z');
    expect(localDateOf(new Date('2026-11-10T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-11-10');
    expect(localDateOf(new Date('2026-11-10T16:00:00Z'), 'Asia/Shanghai')).toBe('2026-11-11');
  });
  it('handles daylight saving time', () => {
    // New York switches to EDT on 2026-03-08: that day has 23 hours.
    const start = startOfLocalDay('2026-03-08', 'America/New_York').getTime();
    const next = startOfLocalDay('2026-03-09', 'America/New_York').getTime();
    expect((next - start) / 3600_000).toBe(23);
  });
  it('does calendar arithmetic', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-01-15', -2)).toBe('2025-11-15');
    expect(daysBetween('2026-11-01', '2026-12-01')).toBe(30);
  });
});
