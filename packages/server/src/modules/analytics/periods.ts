import type { Grain } from '@flywheel/contracts';
import { addDays, addMonths, daysBetween, startOfLocalDay } from '../../platform/timezone';

/** A period [from, to) of local dates in the shop's zone, with the instants that bound it. */
export interface Period {
  from: string;
  to: string;
  start: Date;
  end: Date;
}

export function period(from: string, to: string, timezone: string): Period {
  return { from, to, start: startOfLocalDay(from, timezone), end: startOfLocalDay(to, timezone) };
}

const isMonthStart = (d: string) => d.endsWith('-01');

/**
 * The period a comparison is made against. previous_year: the same dates a year earlier.
 * previous_period: whole months shift by months (November against October, not 30 days back);
 * anything else shifts by its own length in days.
 */
export function previousPeriod(p: Period, compare: 'previous_period' | 'previous_year', timezone: string): Period {
  if (compare === 'previous_year') return period(addMonths(p.from, -12), addMonths(p.to, -12), timezone);
  if (isMonthStart(p.from) && isMonthStart(p.to)) {
    const [fy, fm] = p.from.split('-').map(Number);
    const [ty, tm] = p.to.split('-').map(Number);
    const months = (ty - fy) * 12 + (tm - fm);
    return period(addMonths(p.from, -months), p.from, timezone);
  }
  const days = daysBetween(p.from, p.to);
  return period(addDays(p.from, -days), p.from, timezone);
}

/** The start (local date) of the grain bucket holding `date`; weeks start on Monday (ISO). */
export function bucketStart(date: string, grain: Grain): string {
  const [y, m] = date.split('-').map(Number);
  switch (grain) {
    case 'day': return date;
    case 'week': {
      const dow = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
      return addDays(date, -dow);
    }
    case 'month': return `${date.slice(0, 7)}-01`;
    case 'quarter': return `${y}-${String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
    case 'year': return `${y}-01-01`;
  }
}

/** Every bucket start that overlaps [from, to), so a series has a row even where nothing happened. */
export function bucketsOf(from: string, to: string, grain: Grain): string[] {
  const out: string[] = [];
  let b = bucketStart(from, grain);
  while (b < to) {
    out.push(b);
    b = grain === 'day' ? addDays(b, 1) : grain === 'week' ? addDays(b, 7) : addMonths(b, grain === 'month' ? 1 : grain === 'quarter' ? 3 : 12);
  }
  return out;
}
