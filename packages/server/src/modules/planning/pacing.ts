import type { PacingStatus } from '@flywheel/contracts';
import { expectedShare } from './seasonality';

/**
 * Pacing: where a target stands by a date, and where it is heading.
 *
 * Expected to date (additive targets: sales, orders, UV ...): by day k of N the target expects the
 * share of the period that last year's daily curve had done by the same day (a straight line k/N
 * without history), so 双11 is expected in November's second week, not spread over the month.
 *
 * Forecast (additive): what is done plus the days left at the shop's current run rate, each day
 * weighted by last year's value for its date (run-rate.ts). The run rate and the day weights depend
 * on the date and the metric, never on the target, so forecasts add up like the actuals do: a year's
 * forecast is its finished quarters' actuals plus the running quarter's forecast. Its interval takes
 * the day-to-day noise of the run-rate window (σ = coefficient of variation of its deseasonalised
 * days): each day left adds that noise, and the rate itself is only known to σ/√n after n days, so
 *   sd(remaining) = σ x sqrt(Σ_left μ_d² + (Σ_left μ_d)² / n)   (μ_d: a day left's expected value).
 * Ratio targets (conversion, 客单价 ...) are levels, not sums: the forecast is the ratio to date, with
 * the spread of its daily values shrinking as the days left get fewer.
 *
 * Status compares the forecast with the target (mirrored for metrics where less is better):
 *   on_track   forecast >= 97% of target
 *   at_risk    90% <= forecast < 97%
 *   off_track  forecast < 90%
 *   achieved / missed  once the period is over: the actual against the target itself
 *   not_started before the period's first day; no_data when nothing can be measured (a ratio with no
 *   denominator yet).
 */
export const PACING_THRESHOLDS = { onTrack: 0.97, atRisk: 0.9 } as const;
/** The interval is an 80% one (z = 1.2816): wide enough to matter, narrow enough to act on. */
export const INTERVAL_LEVEL = 0.8;
const Z = 1.2816;

/** The days left of a period at the run rate (run-rate.ts). */
export interface DaysLeft {
  /** Σ μ_d over the days left: what they are expected to add. */
  expected: number;
  /** Σ μ_d² over the days left. */
  squares: number;
  /** σ of the run-rate window (null with fewer than 2 days). */
  cv: number | null;
  /** How many days the run rate was measured over. */
  windowDays: number;
}

export interface PacingInput {
  kind: 'additive' | 'ratio';
  direction: 'higher' | 'lower';
  target: number;
  totalDays: number;
  elapsedDays: number;
  /** Ratio: the ratio per elapsed day (null: no denominator that day). */
  daily: readonly (number | null)[];
  /** Additive: the sum to date; ratio: the ratio over the elapsed days (null when its denominator is 0). */
  actualToDate: number | null;
  /** Last year's daily values over the period (length ~ totalDays), or null to run along a straight line. */
  curve: readonly number[] | null;
  /** Additive, while the period runs: the days left at the run rate. */
  daysLeft?: DaysLeft;
  /** Whole-unit metrics (money, counts) get whole-unit forecasts. */
  whole: boolean;
}

export interface PacingOutput {
  expectedShare: number;
  expectedToDate: number | null;
  forecast: number | null;
  interval: { low: number; high: number; level: number } | null;
  status: PacingStatus;
  curve: 'seasonal' | 'linear' | 'level';
}

export function statusOf(forecast: number, target: number, direction: 'higher' | 'lower'): PacingStatus {
  if (direction === 'higher') {
    if (target <= 0) return forecast >= target ? 'on_track' : 'off_track';
    const r = forecast / target;
    return r >= PACING_THRESHOLDS.onTrack ? 'on_track' : r >= PACING_THRESHOLDS.atRisk ? 'at_risk' : 'off_track';
  }
  if (target <= 0) return forecast <= target ? 'on_track' : 'off_track';
  const r = forecast / target;
  return r <= 2 - PACING_THRESHOLDS.onTrack ? 'on_track' : r <= 2 - PACING_THRESHOLDS.atRisk ? 'at_risk' : 'off_track';
}

/** A period that is over reached its target or did not: no margin, no "at risk". */
export function outcomeOf(actual: number, target: number, direction: 'higher' | 'lower'): PacingStatus {
  return (direction === 'higher' ? actual >= target : actual <= target) ? 'achieved' : 'missed';
}

export const sampleSd = (xs: readonly number[]) => {
  if (xs.length < 2) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
};

export function pace(input: PacingInput): PacingOutput {
  const { totalDays, target, direction } = input;
  const elapsed = Math.max(0, Math.min(input.elapsedDays, totalDays));
  const over = elapsed === totalDays;
  const round = (v: number) => (input.whole ? Math.round(v) : v);

  if (input.kind === 'ratio') {
    const base = { expectedShare: elapsed / totalDays, expectedToDate: target, curve: 'level' as const };
    if (elapsed === 0) return { ...base, forecast: null, interval: null, status: 'not_started' };
    if (input.actualToDate === null) return { ...base, forecast: null, interval: null, status: 'no_data' };
    const forecast = round(input.actualToDate);
    if (over) return { ...base, forecast, interval: { low: forecast, high: forecast, level: INTERVAL_LEVEL }, status: outcomeOf(forecast, target, direction) };
    const days = input.daily.filter((d): d is number => d !== null);
    const sd = sampleSd(days);
    const left = totalDays - elapsed;
    let interval: PacingOutput['interval'] = null;
    if (sd !== null) {
      // The final ratio mixes the days done (known) with the days left (each as noisy as the days so far).
      const spread = Z * sd * (left / totalDays) * Math.sqrt(1 / left + 1 / days.length);
      interval = { low: round(forecast - spread), high: round(forecast + spread), level: INTERVAL_LEVEL };
    }
    return { ...base, forecast, interval, status: statusOf(forecast, target, direction) };
  }

  const share = expectedShare(input.curve, elapsed, totalDays);
  const curve = input.curve ? 'seasonal' as const : 'linear' as const;
  const expectedToDate = round(target * share);
  const actual = input.actualToDate ?? 0;
  if (over) {
    return { expectedShare: 1, expectedToDate, forecast: round(actual), interval: { low: round(actual), high: round(actual), level: INTERVAL_LEVEL }, status: outcomeOf(actual, target, direction), curve };
  }
  const status = (forecast: number) => (elapsed === 0 ? 'not_started' as const : statusOf(forecast, target, direction));
  if (!input.daysLeft) return { expectedShare: share, expectedToDate, forecast: null, interval: null, status: elapsed === 0 ? 'not_started' : 'no_data', curve };
  // A period not started yet is forecast too (all its days are ahead), so a year's forecast counts its coming quarters.
  const { expected, squares, cv, windowDays } = input.daysLeft;
  const forecast = actual + expected;
  let interval: PacingOutput['interval'] = null;
  if (cv !== null && windowDays > 0) {
    const spread = Z * cv * Math.sqrt(squares + expected ** 2 / windowDays);
    // What is done is done: the forecast cannot end below the actual to date of a non-negative metric.
    interval = { low: round(Math.max(actual, forecast - spread)), high: round(forecast + spread), level: INTERVAL_LEVEL };
  }
  return { expectedShare: share, expectedToDate, forecast: round(forecast), interval, status: status(forecast), curve };
}
