import { splitRange } from '@flywheel/contracts';
import { displayOf, minorDigits } from './numbers';

/**
 * Targets are stored in the metric's contract unit (money in minor units, ratios as decimals); people
 * type them as 元 and percentages. These convert between the two, exactly for money.
 */
export function toInputValue(metric: string, value: number, currency: string): number {
  const display = displayOf(metric);
  if (display === 'money') return value / 10 ** minorDigits(currency);
  if (display === 'percent') return Math.round(value * 1e6) / 1e4;
  return value;
}

export function fromInputValue(metric: string, input: number, currency: string): number {
  const display = displayOf(metric);
  if (display === 'money') return Math.round(input * 10 ** minorDigits(currency));
  if (display === 'percent') return input / 100;
  if (display === 'count') return Math.round(input);
  return input;
}

/** The suffix/prefix an input shows: ¥ for money, % for ratios. */
export function inputAffix(metric: string, currency: string): { prefix?: string; suffix?: string } {
  const display = displayOf(metric);
  if (display === 'money') {
    const symbol = new Intl.NumberFormat('zh-CN', { style: 'currency', currency, currencyDisplay: 'narrowSymbol' }).formatToParts(0).find((p) => p.type === 'currency')?.value;
    return { prefix: symbol ?? currency };
  }
  if (display === 'percent') return { suffix: '%' };
  return {};
}

/** Child period labels of a split, as the planning API names them (2026-Q4, 2026-10, 2026-10-05/2026-10-12): contracts' `splitRange`, the server's own. */
export function childPeriodLabels(parent: { from: string; to: string }, by: 'quarter' | 'month' | 'week'): string[] {
  return splitRange(parent, by).map((child) => child.label);
}
