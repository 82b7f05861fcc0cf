import type { PacingStatus } from '@flywheel/contracts';
import { dayWeights, expectedShare } from './seasonality';

/**
 * Pacing: where a target stands by a date, and where it is heading.
 *
 * Additive targets (sales, orders, UV ...): by day k of N the target expects the share of the period
 * that last year's daily curve had done by the same day (a straight line k/N without history), so
 * 双11 is expected in November's second week, not spread over the month. The run-rate forecast
 * extrapolates that way too: forecast = actual to date / expected share. Its interval takes the
 * day-to-day noise from the days done (σ = coefficient of variation of their actuals): the days left
 * add that noise, weighted by how much of the period each carries (w_d, so a coming 双11 counts for
 * more than a quiet day), and the rate itself is only known to σ/√n after n days, so
 *   sd(remaining) = forecast x σ x sqrt(Σ_remaining w_d² + (1 - share)² / n).
 * Ratio targets (conversion, 客单价 ...) are levels, not sums: the forecast is the ratio to date, with
 * the spread of its daily values shrinking as the days left get fewer.
 *
 * Status compares the forecast with the target (mirrored for metrics where less is better):
 *   on_track   forecast >= 97% of target
 *   at_risk    90% <= forecast < 97%
 *   off_track  forecast < 90%
 *   not_started before the period's first day; no_data when nothing can be measured (a ratio with no
 *   denominator yet).
 */
export const PACING_THRESHOLDS = { onTrack: 0.97, atRisk: 0.9 } as const;
/** The interval is an 80% one (z = 1.2816): wide enough to matter, narrow enough to act on. */
export const INTERVAL_LEVEL = 0.8;
const Z = 1.2816;

export interface PacingInput {
  kind: 'additive' | 'ratio';
  direction: 'higher' | 'lower';
  target: number;
  totalDays: number;
  elapsedDays: number;
  /** Additive: the metric's value per elapsed day. Ratio: the ratio per elapsed day (null: no denominator that day). */
  daily: readonly (number | null)[];
  /** Additive: the sum to date; ratio: the ratio over the elapsed days (null when its denominator is 0). */
  actualToDate: number | null;
  /** Last year's daily values over the period (length ~ totalDays), or null to run along a straight line. */
  curve: readonly number[] | null;
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

const sampleSd = (xs: readonly number[]) => {
  if (xs.length < 2) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
};

export function pace(input: PacingInput): PacingOutput {
  const { totalDays, target, direction } = input;
  const elapsed = Math.max(0, Math.min(input.elapsedDays, totalDays));
  const round = (v: number) => (input.whole ? Math.round(v) : v);

  if (input.kind === 'ratio') {
    const base = { expectedShare: elapsed / totalDays, expectedToDate: target, curve: 'level' as const };
    if (elapsed === 0) return { ...base, forecast: null, interval: null, status: 'not_started' };
    if (input.actualToDate === null) return { ...base, forecast: null, interval: null, status: 'no_data' };
    const forecast = round(input.actualToDate);
    const days = input.daily.filter((d): d is number => d !== null);
    const sd = sampleSd(days);
    const left = totalDays - elapsed;
    let interval: PacingOutput['interval'] = null;
    if (left === 0) interval = { low: forecast, high: forecast, level: INTERVAL_LEVEL };
    else if (sd !== null) {
      // The final ratio mixes the days done (known) with the days left (each as noisy as the days so far).
      const spread = Z * sd * (left / totalDays) * Math.sqrt(1 / left + 1 / days.length);
      interval = { low: round(forecast - spread), high: round(forecast + spread), level: INTERVAL_LEVEL };
    }
    return { ...base, forecast, interval, status: statusOf(forecast, target, direction) };
  }

  const share = expectedShare(input.curve, elapsed, totalDays);
  const curve = input.curve ? 'seasonal' as const : 'linear' as const;
  const expectedToDate = round(target * share);
  if (elapsed === 0) return { expectedShare: share, expectedToDate, forecast: null, interval: null, status: 'not_started', curve };
  const actual = input.actualToDate ?? 0;
  if (elapsed === totalDays) {
    return { expectedShare: 1, expectedToDate, forecast: round(actual), interval: { low: round(actual), high: round(actual), level: INTERVAL_LEVEL }, status: statusOf(actual, target, direction), curve };
  }
  if (share <= 0) return { expectedShare: share, expectedToDate, forecast: null, interval: null, status: 'no_data', curve };
  const forecast = actual / share;
  const weights = dayWeights(input.curve, totalDays);
  const days = input.daily.slice(0, elapsed).map((v) => v ?? 0);
  const mean = days.length ? days.reduce((a, b) => a + b, 0) / days.length : 0;
  const sd = sampleSd(days);
  const cv = sd === null ? null : mean > 0 ? sd / mean : 0;
  let interval: PacingOutput['interval'] = null;
  if (cv !== null) {
    let remainingSquares = 0;
    for (let d = elapsed; d < totalDays; d++) remainingSquares += weights[d] ** 2;
    const spread = Z * forecast * cv * Math.sqrt(remainingSquares + (1 - share) ** 2 / days.length);
    // What is done is done: the forecast cannot end below the actual to date of a non-negative metric.
    interval = { low: round(Math.max(actual, forecast - spread)), high: round(forecast + spread), level: INTERVAL_LEVEL };
  }
  return { expectedShare: share, expectedToDate, forecast: round(forecast), interval, status: statusOf(forecast, target, direction), curve };
}
