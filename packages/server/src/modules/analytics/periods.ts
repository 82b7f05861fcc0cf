import { addDays, addMonths, previousPeriod as previousRange, type Comparison, type Grain } from '@flywheel/contracts';
import { startOfLocalDay } from '../../platform/timezone';

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

/** The period a comparison is made against, as contracts' `previousPeriod` says (the console labels it the same way). */
export function previousPeriod(p: Period, compare: Comparison, timezone: string): Period {
  const previous = previousRange(p, compare);
  return period(previous.from, previous.to, timezone);
}

/** The start (local date) of the grain bucket holding `date`; weeks start on Monday (ISO). */
export function bucketStart(date: string, grain: Grain): string {
  const [y, m] = date.split('-').map(Number);
  switch (grain) {
    case 'hour': return `${date}T00:00`;
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
  if (grain === 'hour') {
    // The hours of each local day (a day that changes its clocks still lists 24; the missing or doubled hour is its own).
    for (let d = from; d < to; d = addDays(d, 1)) for (let h = 0; h < 24; h++) out.push(`${d}T${String(h).padStart(2, '0')}:00`);
    return out;
  }
  let b = bucketStart(from, grain);
  while (b < to) {
    out.push(b);
    b = grain === 'day' ? addDays(b, 1) : grain === 'week' ? addDays(b, 7) : addMonths(b, grain === 'month' ? 1 : grain === 'quarter' ? 3 : 12);
  }
  return out;
}
