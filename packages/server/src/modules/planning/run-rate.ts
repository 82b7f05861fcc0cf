import { addDays, addMonths, daysBetween, startOfMonth, type DateRange, type MetricName } from '@flywheel/contracts';
import type { Measure, Scope } from './measure';
import { sampleSd, type DaysLeft } from './pacing';
import { datesOf } from './periods';
import { distinctCountMetrics, isWhole } from './targets';

/**
 * The shop's current run rate of a metric (in one channel / category / platform or overall), as of a
 * date, and what it makes of the days ahead. It depends on the date, the metric and the scope, never
 * on the target being paced, so the forecasts of a year and of its quarters, months or weeks add up
 * exactly (pacing.ts).
 *
 * The window is the month so far (of the last day done), and at least the last 14 days, so a forecast
 * on the 2nd is not two days' noise; a shop that opened inside the window is measured from its first
 * day with data. Seasonal when last year has the window's dates (data in the first week of last
 * year's window): each day ahead is worth rate x last year's value for its date, rate = this window /
 * last year's window. Otherwise every day ahead is worth the window's mean day.
 */
export const RUN_RATE_MIN_DAYS = 14;
/** A shop with no data in the 28 days before the window is new: its window starts at its first day with data. */
const NEW_SHOP_LOOKBACK_DAYS = 28;
/** Last year's values count only when they start within the first week of the dates asked. */
export const HISTORY_START_DAYS = 7;

/** Last year's daily values cover the dates asked from their start (a shop that opened later has none for the first days). */
export const coveredFromStart = (lastYear: readonly number[]) => lastYear.slice(0, HISTORY_START_DAYS).some((v) => v > 0);

/** The dates a year before: the same month and day (02-29 reads 02-28). */
export const yearBefore = (date: string) => addMonths(date, -12);

export function runRateWindow(asOf: string): DateRange {
  const monthSoFar = startOfMonth(addDays(asOf, -1));
  const minimum = addDays(asOf, -RUN_RATE_MIN_DAYS);
  return { from: monthSoFar < minimum ? monthSoFar : minimum, to: asOf };
}

export interface Rate {
  /** Per unit of last year's value (seasonal) or per day (linear). */
  rate: number;
  seasonal: boolean;
  /** Day-to-day noise of the window's deseasonalised days; null with fewer than 2 days. */
  cv: number | null;
  days: number;
}

/** The rate from the window's daily actuals and last year's values for the same dates (null: no usable history). */
export function rateOf(actual: readonly number[], lastYear: readonly number[] | null): Rate {
  const sum = actual.reduce((a, b) => a + b, 0);
  const baseSum = lastYear ? lastYear.reduce((a, b) => a + Math.max(0, b), 0) : 0;
  const seasonal = lastYear !== null && baseSum > 0;
  const base = seasonal ? lastYear.map((b) => Math.max(0, b)) : actual.map(() => 1);
  const meanBase = seasonal ? baseSum / base.length : 1;
  // Each day as if it were an average day of the window: its actual over its share of last year's.
  // Too few of last year's days to say (a sparse shop): the noise of the days as they are.
  const weighted = actual.flatMap((a, i) => (base[i] > 0 ? [(a * meanBase) / base[i]] : []));
  const deseasonalised = weighted.length >= 2 ? weighted : actual;
  const sd = sampleSd(deseasonalised);
  const mean = deseasonalised.length ? deseasonalised.reduce((a, b) => a + b, 0) / deseasonalised.length : 0;
  return {
    rate: actual.length === 0 ? 0 : seasonal ? sum / baseSum : sum / actual.length,
    seasonal,
    cv: sd === null ? null : mean > 0 ? sd / mean : 0,
    days: actual.length,
  };
}

const valuesByDate = (rows: { start: string; values: Record<string, number | null> }[], metric: MetricName) =>
  new Map(rows.map((r) => [r.start.slice(0, 10), r.values[metric] ?? 0]));

export class RunRate {
  /** Cumulative expected value and squares over the days from asOf, day by day (index 0 = nothing yet). */
  private cumulative = [0];
  private squares = [0];
  private horizon: string;

  private constructor(
    private readonly m: Measure,
    private readonly metric: MetricName,
    private readonly scope: Pick<Scope, 'dimension' | 'dimensionValue'>,
    readonly asOf: string,
    readonly rate: Rate,
    /** Distinct counts (UV, buyers): a window's distinct people over the sum of its daily ones. */
    private readonly dedupe: number,
    /** A day ahead whose last-year date is not over yet is worth the window's mean day. */
    private readonly meanBase: number,
  ) {
    this.horizon = asOf;
  }

  static async measure(m: Measure, metric: MetricName, scope: Pick<Scope, 'dimension' | 'dimensionValue'>, asOf: string): Promise<RunRate> {
    const wanted = runRateWindow(asOf);
    const lookback = addDays(wanted.from, -NEW_SHOP_LOOKBACK_DAYS);
    const thisYear = valuesByDate(await m.series([metric], { ...scope, from: lookback, to: asOf }, 'day'), metric);
    let from = wanted.from;
    if (datesOf({ from: lookback, to: wanted.from }).every((d) => !(thisYear.get(d)! > 0))) {
      from = datesOf(wanted).find((d) => thisYear.get(d)! > 0) ?? wanted.from;
    }
    const window = { from, to: asOf };
    const dates = datesOf(window);
    const actual = dates.map((d) => thisYear.get(d) ?? 0);
    const lastYearRows = valuesByDate(await m.series([metric], { ...scope, from: yearBefore(window.from), to: yearBefore(window.to) }, 'day'), metric);
    const lastYear = dates.map((d) => lastYearRows.get(yearBefore(d)) ?? 0);
    const rate = rateOf(actual, coveredFromStart(lastYear) ? lastYear : null);
    let dedupe = 1;
    const dailySum = actual.reduce((a, b) => a + b, 0);
    if (distinctCountMetrics.includes(metric) && dailySum > 0) {
      dedupe = ((await m.totals([metric], { ...scope, ...window }))[metric] ?? dailySum) / dailySum;
    }
    const meanBase = rate.seasonal ? lastYear.reduce((a, b) => a + b, 0) / lastYear.length : 1;
    return new RunRate(m, metric, scope, asOf, rate, dedupe, meanBase);
  }

  /** Extends the day-by-day sums ahead to `to`. */
  private async reach(to: string) {
    if (to <= this.horizon) return;
    const dates = datesOf({ from: this.horizon, to });
    let base: number[] = dates.map(() => 1);
    if (this.rate.seasonal) {
      const lastYear = valuesByDate(await this.m.series([this.metric], { ...this.scope, from: yearBefore(this.horizon), to: yearBefore(to) }, 'day'), this.metric);
      base = dates.map((d) => (yearBefore(d) < this.asOf ? Math.max(0, lastYear.get(yearBefore(d)) ?? 0) : this.meanBase));
    }
    for (const b of base) {
      const expected = this.rate.rate * b * this.dedupe;
      this.cumulative.push(this.cumulative[this.cumulative.length - 1] + expected);
      this.squares.push(this.squares[this.squares.length - 1] + expected ** 2);
    }
    this.horizon = to;
  }

  /**
   * What the days of [from, to) at or after asOf are expected to add. Whole metrics round the running
   * total, not each period, so adjacent periods' expectations add up to their union's exactly.
   */
  async daysLeft(period: DateRange): Promise<DaysLeft> {
    const from = period.from > this.asOf ? period.from : this.asOf;
    const to = period.to;
    await this.reach(to);
    const i = Math.max(0, daysBetween(this.asOf, from));
    const j = Math.max(i, daysBetween(this.asOf, to));
    const round = (v: number) => (isWhole(this.metric) ? Math.round(v) : v);
    return {
      expected: round(this.cumulative[j]) - round(this.cumulative[i]),
      squares: this.squares[j] - this.squares[i],
      cv: this.rate.cv,
      windowDays: this.rate.days,
    };
  }
}
