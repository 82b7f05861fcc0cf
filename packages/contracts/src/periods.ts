import type { PlanPeriod } from './planning';

/**
 * Local dates and periods, for the server and the console alike. A date is `YYYY-MM-DD` in the shop's
 * time zone and a period is the half-open `[from, to)` of PRODUCT.md. Arithmetic is done on the
 * dates' UTC midnights, which have no daylight-saving gaps.
 */
export interface DateRange {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');
const utc = (date: string) => new Date(`${date}T00:00:00Z`);

/** Adds whole calendar days. */
export function addDays(date: string, days: number): string {
  return new Date(utc(date).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/** Adds calendar months, keeping the day and clamping it to the month's end (01-31 + 1 month = 02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total - year * 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(Math.min(d, last))}`;
}

export function daysBetween(from: string, to: string): number {
  return Math.round((utc(to).getTime() - utc(from).getTime()) / DAY_MS);
}

export const startOfMonth = (date: string) => `${date.slice(0, 8)}01`;
export const isMonthStart = (date: string) => date.endsWith('-01');
/** Monday = 0 (ISO weeks). */
export const dayOfWeek = (date: string) => (utc(date).getUTCDay() + 6) % 7;

/** The last day inside a period, for people: [10-01, 11-01) reads 10-01 ~ 10-31. */
export const lastDay = (p: DateRange) => addDays(p.to, -1);

/**
 * A period as people write it, first and last day: November is 2026-11-01 ~ 2026-11-30, never the
 * exclusive end 2026-12-01 the API carries; one day is that day.
 */
export const dayRangeLabel = (p: DateRange) => (daysBetween(p.from, p.to) <= 1 ? p.from : `${p.from} ~ ${lastDay(p)}`);

/** Whole months from one month start to another (null unless both are month starts). */
function wholeMonths(p: DateRange): number | null {
  if (!isMonthStart(p.from) || !isMonthStart(p.to)) return null;
  return (Number(p.to.slice(0, 4)) - Number(p.from.slice(0, 4))) * 12 + Number(p.to.slice(5, 7)) - Number(p.from.slice(5, 7));
}

export type Comparison = 'previous_period' | 'previous_year';

/**
 * The period a comparison is made against (`compare=` of `GET /v1/metrics`, the 复盘's previous period).
 * previous_year: the same dates a year earlier. previous_period: whole months shift by months
 * (October against September, not against the 31 days before it); anything else by its own length in days.
 */
export function previousPeriod(p: DateRange, compare: Comparison = 'previous_period'): DateRange {
  if (compare === 'previous_year') return { from: addMonths(p.from, -12), to: addMonths(p.to, -12) };
  const months = wholeMonths(p);
  if (months !== null) return { from: addMonths(p.from, -months), to: p.from };
  return { from: addDays(p.from, -daysBetween(p.from, p.to)), to: p.from };
}

// ---- plan periods: years, quarters, months, weeks ----------------------------------------------

const monthStart = (year: number, month: number) => `${year}-${pad(month)}-01`;

/** 2026 -> the year, 2026-Q4 -> Oct..Dec, 2026-10 -> October; null for anything else. */
export function periodOfLabel(label: string): PlanPeriod | null {
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
  return null;
}

/** [from, to) with its usual label when it is a calendar year (2026), quarter (2026-Q4) or month (2026-10), else `from/to`. */
export function periodOfRange(from: string, to: string): PlanPeriod {
  const months = wholeMonths({ from, to });
  const month = Number(from.slice(5, 7));
  if (months === 12 && from.endsWith('-01-01')) return periodOfLabel(from.slice(0, 4))!;
  if (months === 3 && (month - 1) % 3 === 0) return periodOfLabel(`${from.slice(0, 4)}-Q${(month - 1) / 3 + 1}`)!;
  if (months === 1) return periodOfLabel(from.slice(0, 7))!;
  // A week: Monday to Monday, or the part of one a month or quarter cuts off.
  const week = daysBetween(from, to) <= 7 && (dayOfWeek(from) === 0 || isMonthStart(from)) && (dayOfWeek(to) === 0 || isMonthStart(to));
  return { label: `${from}/${to}`, from, to, grain: week ? 'week' : 'custom' };
}

/**
 * Splits a period into calendar quarters, months or ISO weeks (Monday first), clipped to the period,
 * so the children tile the parent exactly: no day is lost or counted twice. Each child is labelled as
 * `periodOfRange` labels it (the labels a manual decomposition is keyed by).
 */
export function splitRange(parent: DateRange, by: 'quarter' | 'month' | 'week'): PlanPeriod[] {
  const next = (d: string) => {
    if (by === 'week') return addDays(d, 7 - dayOfWeek(d));
    const [y, m] = d.split('-').map(Number);
    return addMonths(monthStart(y, by === 'month' ? m : Math.floor((m - 1) / 3) * 3 + 1), by === 'month' ? 1 : 3);
  };
  const out: PlanPeriod[] = [];
  for (let from = parent.from; from < parent.to;) {
    const to = next(from) < parent.to ? next(from) : parent.to;
    out.push(periodOfRange(from, to));
    from = to;
  }
  return out;
}
