import type { PlanPeriod } from '@flywheel/contracts';
import { FlywheelError } from '../../platform/errors';
import { addDays, addMonths, daysBetween, pad } from '../../platform/timezone';

/**
 * Plan periods are half-open ranges of local dates [from, to), like every period of PRODUCT.md, with
 * a label people use: 2026, 2026-Q4, 2026-10, or `from/to` for weeks and custom ranges.
 */

const monthStart = (year: number, month: number) => `${year}-${pad(month)}-01`;

/** 2026 -> the year, 2026-Q4 -> Oct..Dec, 2026-10 -> October. */
export function parsePeriodLabel(label: string, field = 'period'): PlanPeriod {
  let m = /^(\d{4})$/.exec(label);
  if (m) return { label, from: `${m[1]}-01-01`, to: `${Number(m[1]) + 1}-01-01`, grain: 'year' };
  m = /^(\d{4})-Q([1-4])$/.exec(label);
  if (m) {
    const from = monthStart(Number(m[1]), (Number(m[2]) - 1) * 3 + 1);
    return { label, from, to: addMonths(from, 3), grain: 'quarter' };
  }
  m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(label);
  if (m) {
    const from = monthStart(Number(m[1]), Number(m[2]));
    return { label, from, to: addMonths(from, 1), grain: 'month' };
  }
  throw new FlywheelError('invalid_field', `${field}: must be a year (2026), a quarter (2026-Q4) or a month (2026-10)`, field);
}

const dayOfWeek = (date: string) => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0

/** The period [from, to) with its usual label when it is a calendar year, quarter or month. */
export function periodOf(from: string, to: string): PlanPeriod {
  if (from >= to) throw new FlywheelError('invalid_field', 'period.to: must be after period.from (periods are [from, to))', 'period.to');
  if (from.endsWith('-01-01') && to === addMonths(from, 12)) return parsePeriodLabel(from.slice(0, 4));
  const month = Number(from.slice(5, 7));
  if (from.endsWith('-01') && (month - 1) % 3 === 0 && to === addMonths(from, 3)) return parsePeriodLabel(`${from.slice(0, 4)}-Q${(month - 1) / 3 + 1}`);
  if (from.endsWith('-01') && to === addMonths(from, 1)) return parsePeriodLabel(from.slice(0, 7));
  const days = daysBetween(from, to);
  // A week: Monday to Monday, or the part of one a month or quarter cuts off.
  const week = days <= 7 && (dayOfWeek(from) === 0 || from.endsWith('-01')) && (dayOfWeek(to) === 0 || to.endsWith('-01'));
  return { label: `${from}/${to}`, from, to, grain: week ? 'week' : 'custom' };
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
  const next = (d: string) => {
    if (by === 'week') return addDays(d, 7 - dayOfWeek(d));
    const [y, m] = d.split('-').map(Number);
    const months = by === 'month' ? 1 : 3;
    const start = monthStart(y, by === 'month' ? m : Math.floor((m - 1) / 3) * 3 + 1);
    return addMonths(start, months);
  };
  const out: PlanPeriod[] = [];
  for (let from = parent.from; from < parent.to;) {
    const to = next(from) < parent.to ? next(from) : parent.to;
    out.push(periodOf(from, to));
    from = to;
  }
  return out;
}

/** The same dates a year earlier: the basis of seasonality and of "last year's" assumptions. */
export function lastYearOf(p: { from: string; to: string }): { from: string; to: string } {
  return { from: addMonths(p.from, -12), to: addMonths(p.to, -12) };
}

/** The period a review compares with: the month or quarter before. */
export function previousOf(p: PlanPeriod): { from: string; to: string } {
  const months = p.grain === 'quarter' ? 3 : p.grain === 'year' ? 12 : 1;
  if (p.grain === 'month' || p.grain === 'quarter' || p.grain === 'year') return { from: addMonths(p.from, -months), to: p.from };
  const days = periodDays(p);
  return { from: addDays(p.from, -days), to: p.from };
}

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
