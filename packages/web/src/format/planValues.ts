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

/** Child period labels of a split, as the planning API names them (2026-Q4, 2026-10, 2026-10-05/2026-10-12). */
export function childPeriodLabels(parent: { from: string; to: string }, by: 'quarter' | 'month' | 'week'): string[] {
  const labels: string[] = [];
  const day = (d: string) => new Date(`${d}T00:00:00Z`);
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  const nextOf = (d: string): string => {
    const date = day(d);
    if (by === 'week') return iso(new Date(date.getTime() + (7 - ((date.getUTCDay() + 6) % 7)) * 86_400_000));
    const month = date.getUTCMonth();
    const start = by === 'month' ? month : Math.floor(month / 3) * 3;
    return iso(new Date(Date.UTC(date.getUTCFullYear(), start + (by === 'month' ? 1 : 3), 1)));
  };
  for (let from = parent.from; from < parent.to;) {
    const to = nextOf(from) < parent.to ? nextOf(from) : parent.to;
    const m = Number(from.slice(5, 7));
    if (by === 'quarter' && from.endsWith('-01') && (m - 1) % 3 === 0 && to === nextOf(from)) labels.push(`${from.slice(0, 4)}-Q${(m - 1) / 3 + 1}`);
    else if (by === 'month' && from.endsWith('-01') && to === nextOf(from)) labels.push(from.slice(0, 7));
    else labels.push(`${from}/${to}`);
    from = to;
  }
  return labels;
}
