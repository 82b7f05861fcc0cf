import { addDays, addMonths, lastDay, previousPeriod, startOfMonth, type Comparison, type DateRange } from '@flywheel/contracts';

/**
 * Dates are `YYYY-MM-DD` in the shop's time zone and periods are half-open `[from, to)` (PRODUCT.md).
 * Calendar arithmetic and the comparison period are contracts' periods.ts, the server's own.
 */
export { addDays, addMonths, daysBetween, lastDay, previousPeriod, startOfMonth } from '@flywheel/contracts';
export type Period = DateRange;

/** Today's date in a time zone (the shop's, not the browser's). */
export function todayIn(timezone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export type PeriodPreset = 'last_7_days' | 'last_30_days' | 'month_to_date' | 'last_month' | 'last_90_days' | 'year_to_date';
export const periodPresets: PeriodPreset[] = ['last_7_days', 'last_30_days', 'month_to_date', 'last_month', 'last_90_days', 'year_to_date'];

/** A preset period in the shop's calendar; "last N days" end yesterday, so every day in them is complete. */
export function presetPeriod(preset: PeriodPreset, today: string): Period {
  switch (preset) {
    case 'last_7_days': return { from: addDays(today, -7), to: today };
    case 'last_30_days': return { from: addDays(today, -30), to: today };
    case 'last_90_days': return { from: addDays(today, -90), to: today };
    case 'month_to_date': return { from: startOfMonth(today), to: addDays(today, 1) };
    case 'last_month': return { from: addMonths(startOfMonth(today), -1), to: startOfMonth(today) };
    case 'year_to_date': return { from: `${today.slice(0, 4)}-01-01`, to: addDays(today, 1) };
  }
}

/**
 * The period a comparison is made against, by its first and last day, as the period picker shows it:
 * the same period the server measures (`previous` of `GET /v1/metrics`), so October reads 09-01 ~ 09-30.
 */
export function comparisonDays(period: Period, compare: Comparison = 'previous_period'): { from: string; to: string } {
  const previous = previousPeriod(period, compare);
  return { from: previous.from, to: lastDay(previous) };
}

/** A timestamp shown in the shop's time zone: 2026-11-11 10:00:05. */
export function formatTimestamp(timestamp: string, timezone: string, lang: 'zh-CN' | 'en'): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return timestamp;
  return new Intl.DateTimeFormat(lang === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
  }).format(date);
}

/** A date label for axes: 14:00 for hours, 11/11 or Nov 11 for days, 2026-11 for months. */
export function formatBucket(start: string, grain: string, lang: 'zh-CN' | 'en'): string {
  if (grain === 'hour') return start.slice(11, 16);
  if (grain === 'month') return start.slice(0, 7);
  if (grain === 'year') return start.slice(0, 4);
  if (grain === 'quarter') return `${start.slice(0, 4)} Q${Math.floor((Number(start.slice(5, 7)) - 1) / 3) + 1}`;
  const d = new Date(`${start}T00:00:00Z`);
  return lang === 'zh-CN' ? `${d.getUTCMonth() + 1}/${d.getUTCDate()}` : d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}
