import { describe, expect, it } from 'vitest';
import { FlywheelError } from '../../platform/errors';
import { lastYearOf, parsePeriodLabel, periodDays, periodOf, previousOf, splitPeriod } from './periods';

const tiles = (parent: { from: string; to: string }, children: { from: string; to: string }[]) => {
  expect(children[0].from).toBe(parent.from);
  expect(children[children.length - 1].to).toBe(parent.to);
  for (let i = 1; i < children.length; i++) expect(children[i].from).toBe(children[i - 1].to);
};

describe('plan periods', () => {
  it('reads years, quarters and months as [from, to)', () => {
    expect(parsePeriodLabel('2026')).toEqual({ label: '2026', from: '2026-01-01', to: '2027-01-01', grain: 'year' });
    expect(parsePeriodLabel('2026-Q4')).toEqual({ label: '2026-Q4', from: '2026-10-01', to: '2027-01-01', grain: 'quarter' });
    expect(parsePeriodLabel('2026-02')).toEqual({ label: '2026-02', from: '2026-02-01', to: '2026-03-01', grain: 'month' });
    expect(() => parsePeriodLabel('2026-13')).toThrow(FlywheelError);
    expect(periodOf('2026-07-01', '2026-10-01').label).toBe('2026-Q3');
    expect(periodOf('2026-10-05', '2026-10-12')).toMatchObject({ label: '2026-10-05/2026-10-12', grain: 'week' });
    expect(periodOf('2026-10-03', '2026-10-20').grain).toBe('custom');
  });

  it('splits a year into 4 quarters and 12 months, and a month into clipped ISO weeks, tiling the parent', () => {
    const year = parsePeriodLabel('2026');
    const quarters = splitPeriod(year, 'quarter');
    expect(quarters.map((q) => q.label)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
    const months = splitPeriod(year, 'month');
    expect(months).toHaveLength(12);
    tiles(year, months);
    const october = parsePeriodLabel('2026-10'); // 2026-10-01 is a Thursday
    const weeks = splitPeriod(october, 'week');
    expect(weeks.map((w) => w.label)).toEqual(['2026-10-01/2026-10-05', '2026-10-05/2026-10-12', '2026-10-12/2026-10-19', '2026-10-19/2026-10-26', '2026-10-26/2026-11-01']);
    expect(weeks.every((w) => w.grain === 'week')).toBe(true);
    tiles(october, weeks);
    expect(weeks.reduce((a, w) => a + periodDays(w), 0)).toBe(31);
    tiles(year, splitPeriod(year, 'week'));
  });

  it('refuses to split a period into something as long as itself', () => {
    expect(() => splitPeriod(parsePeriodLabel('2026-10'), 'month')).toThrow(/cannot be split into months/);
    expect(() => splitPeriod(parsePeriodLabel('2026-Q4'), 'quarter')).toThrow(FlywheelError);
  });

  it('shifts to last year and finds the previous month or quarter', () => {
    expect(lastYearOf(parsePeriodLabel('2026-10'))).toEqual({ from: '2025-10-01', to: '2025-11-01' });
    expect(previousOf(parsePeriodLabel('2026-01'))).toEqual({ from: '2025-12-01', to: '2026-01-01' });
    expect(previousOf(parsePeriodLabel('2026-Q4'))).toEqual({ from: '2026-07-01', to: '2026-10-01' });
  });
});
