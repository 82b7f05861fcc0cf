import { textOf, type LocalizedText } from '@flywheel/contracts';

/**
 * Seasonality: how a shop's year is shaped (618 in June, 双11 in November carry more), taken from its
 * own history, last year's values for the same dates. Weights are shares that sum to 1.
 */

export interface Weights {
  weights: number[];
  method: 'seasonal' | 'even';
  /** Why seasonal fell back to even (a text of contracts' texts.ts). */
  note: LocalizedText | null;
}

/** Shares proportional to a basis: the days each child covers (time), or 1 each (a dimension). */
export function evenWeights(basis: readonly number[]): number[] {
  const sum = basis.reduce((a, b) => a + b, 0);
  return sum > 0 ? basis.map((b) => b / sum) : basis.map(() => 1 / basis.length);
}

/**
 * Each child's share of last year's total. History counts only when every child has some (a shop that
 * opened mid-year has no curve for the months before): otherwise the split is even, and says why.
 */
export function seasonalWeights(history: readonly (number | null)[], labels: readonly string[], evenBasis: readonly number[]): Weights {
  const missing = labels.filter((_, i) => !(typeof history[i] === 'number' && history[i]! > 0 && Number.isFinite(history[i])));
  if (missing.length > 0) {
    const note = missing.length === labels.length ? textOf('plan.seasonal.no_history')
      : missing.length > 6 ? textOf('plan.seasonal.missing_more', { missing: missing.slice(0, 6).join(', '), more: missing.length - 6 })
        : textOf('plan.seasonal.missing', { missing: missing.join(', ') });
    return { weights: evenWeights(evenBasis), method: 'even', note };
  }
  const values = history as number[];
  const sum = values.reduce((a, b) => a + b, 0);
  return { weights: values.map((v) => v / sum), method: 'seasonal', note: null };
}

/**
 * A daily curve for a period from last year's daily values, or null when history does not cover it
 * (a month of the period with nothing last year): pacing then runs along a straight line.
 */
export function dailyCurve(lastYearDaily: readonly number[], monthOfDay: readonly string[]): number[] | null {
  if (lastYearDaily.length === 0) return null;
  const byMonth = new Map<string, number>();
  lastYearDaily.forEach((v, i) => byMonth.set(monthOfDay[i], (byMonth.get(monthOfDay[i]) ?? 0) + Math.max(0, v)));
  for (const total of byMonth.values()) if (!(total > 0)) return null;
  return lastYearDaily.map((v) => Math.max(0, v));
}

/**
 * The share of a period's total expected after `elapsedDays` of `totalDays`: along the daily curve
 * (aligned by day index; a leap day at the end is dropped) or a straight line.
 */
export function expectedShare(curve: readonly number[] | null, elapsedDays: number, totalDays: number): number {
  if (totalDays <= 0) return 1;
  const k = Math.max(0, Math.min(elapsedDays, totalDays));
  const w = dayWeights(curve, totalDays);
  let share = 0;
  for (let i = 0; i < k; i++) share += w[i];
  return k === totalDays ? 1 : Math.min(1, share);
}

/** Per-day weights of a period (sum 1) from the curve, or even. */
export function dayWeights(curve: readonly number[] | null, totalDays: number): number[] {
  if (!curve) return Array.from({ length: totalDays }, () => 1 / totalDays);
  const mean = curve.length ? curve.reduce((a, b) => a + b, 0) / curve.length : 0;
  // Last year may be one day shorter (a leap day this year): pad with the mean day.
  const aligned = Array.from({ length: totalDays }, (_, i) => (i < curve.length ? curve[i] : mean));
  return evenWeights(aligned);
}
