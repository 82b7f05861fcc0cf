import { describe, expect, it } from 'vitest';
import { toIsoTimestamp } from './time';

describe('timestamps', () => {
  it('reads a time without an offset as shop time', () => {
    expect(toIsoTimestamp('2026-11-11 20:15:00', 'Asia/Shanghai')).toBe('2026-11-11T20:15:00+08:00');
    expect(toIsoTimestamp('2026/11/11 20:15', 'Asia/Shanghai')).toBe('2026-11-11T20:15:00+08:00');
    expect(toIsoTimestamp('2026-11-11T20:15:00Z', 'Asia/Shanghai')).toBe('2026-11-11T20:15:00Z');
    expect(toIsoTimestamp('2026-11-11T20:15:00-05:00', 'Asia/Shanghai')).toBe('2026-11-11T20:15:00-05:00');
  });

  it('uses the offset in force on that day in zones with summer time', () => {
    expect(toIsoTimestamp('2026-07-01 12:00', 'America/New_York')).toBe('2026-07-01T12:00:00-04:00');
    expect(toIsoTimestamp('2026-12-01 12:00', 'America/New_York')).toBe('2026-12-01T12:00:00-05:00');
    // 02:30 does not exist on the night clocks jump to 03:00: it is read as the clock would show it
    expect(toIsoTimestamp('2026-03-08 02:30', 'America/New_York')).toBe('2026-03-08T03:30:00-04:00');
    // 01:30 happens twice when clocks fall back: the first one
    expect(toIsoTimestamp('2026-11-01 01:30', 'America/New_York')).toBe('2026-11-01T01:30:00-04:00');
  });
});
