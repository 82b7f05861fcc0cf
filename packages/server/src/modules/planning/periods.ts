import { addDays, daysBetween, periodOfLabel, periodOfRange, previousPeriod, splitRange, type DateRange, type PlanPeriod } from '@flywheel/contracts';
import { FlywheelError } from '../../platform/errors';

/**
 * Plan periods are half-open ranges of local dates [from, to), like every period of PRODUCT.md, with
 * a label people use: 2026, 2026-Q4, 2026-10, or `from/to` for weeks and custom ranges. The calendar
 * (labels, splits, previous periods) is contracts' periods.ts, which the console uses too; this file
 * adds the refusals.
 */

/** 2026 -> the year, 2026-Q4 -> Oct..Dec, 2026-10 -> October. */
export function parsePeriodLabel(label: string, field = 'period'): PlanPeriod {
  const period = periodOfLabel(label);
  if (period) return period;
  throw new FlywheelError('invalid_field', `${field}: must be a year (2026), a quarter (2026-Q4) or a month (2026-10)`, field);
}

/** The period [from, to) with its usual label when it is a calendar year, quarter or month. */
export function periodOf(from: string, to: string): PlanPeriod {
  if (from >= to) throw new FlywheelError('invalid_field', 'period.to: must be after period.from (periods are [from, to))', 'period.to');
  return periodOfRange(from, to);
}

export function periodFromInput(input: string | { from: string; to: string }, field = 'period'): PlanPeriod {
  return typeof input === 'string' ? parsePeriodLabel(input, field) : periodOf(input.from, input.to);
}

export const periodDays = (p: { from: string; to: string }) => daysBetween(p.from, p.to);
export const contains = (outer: { from: string; to: string }, inner: { from: string; to: string }) => outer.from <= inner.from && inner.to <= outer.to;

const grainRank = { week: 1, month: 2, quarter: 3, year: 4 } as const;

/**
 * Splits a period into calendar quarters, months or ISO weeks (Monday first), clipped to the period,
 * so the children tile the parent exactly: no day is lost or counted twice.
 */
export function splitPeriod(parent: PlanPeriod, by: 'quarter' | 'month' | 'week'): PlanPeriod[] {
  const parentDays = periodDays(parent);
  const parentRank = parent.grain === 'custom' ? (parentDays > 92 ? 4 : parentDays > 31 ? 3 : parentDays > 7 ? 2 : 1) : grainRank[parent.grain];
  if (grainRank[by] >= parentRank) throw new FlywheelError('invalid_field', `by: a ${parent.grain} (${parent.label}) cannot be split into ${by}s; split into something shorter`, 'by');
  return splitRange(parent, by);
}

/** The same dates a year earlier: the basis of seasonality and of "last year's" assumptions. */
export const lastYearOf = (p: DateRange): DateRange => previousPeriod(p, 'previous_year');

/** The period a review compares with: the month, quarter or year before (the console's "previous period" too). */
export const previousOf = (p: DateRange): DateRange => previousPeriod(p, 'previous_period');

/** Every local date of [from, to). */
export function datesOf(p: { from: string; to: string }): string[] {
  const out: string[] = [];
  for (let d = p.from; d < p.to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The later of two dates clipped into [from, to]: how far a period has run by `asOf`. */
export function clipDate(date: string, p: { from: string; to: string }): string {
  return date < p.from ? p.from : date > p.to ? p.to : date;
}
