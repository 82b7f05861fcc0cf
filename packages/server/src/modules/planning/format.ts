import { DEFAULT_LOCALE, EMPTY, formatMoney, metricCatalog, type Locale, type MetricName } from '@flywheel/contracts';

/** Numbers in words people read: the review report's tables. */

const grouped = (v: number, digits: number) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/**
 * Minor units as major units with the currency, by its own minor digits (contracts' `formatMoney`, the
 * console's too): 123456 CNY -> ¥1,234.56, -5000 CNY -> -¥50.00, 12345 JPY -> ¥12,345.
 */
export function money(minor: number | null, currency = 'CNY', locale: Locale = DEFAULT_LOCALE): string {
  return formatMoney(minor, currency, locale);
}

export function pct(ratio: number | null, digits = 1): string {
  return ratio === null ? EMPTY : `${(ratio * 100).toFixed(digits)}%`;
}

export function count(v: number | null): string {
  return v === null ? EMPTY : grouped(v, Number.isInteger(v) ? 0 : 1);
}

/** A signed change: +12.3% / -4.0% */
export function signedPct(ratio: number | null, digits = 1): string {
  return ratio === null ? EMPTY : `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(digits)}%`;
}

export function metricValue(metric: MetricName, v: number | null, currency = 'CNY'): string {
  if (v === null) return EMPTY;
  switch (metricCatalog[metric].display) {
    case 'money': return money(v, currency);
    case 'count': return count(v);
    case 'duration': return `${v.toFixed(0)} s`;
    case 'percent': return pct(v, 2);
    case 'multiple': return v.toFixed(2);
  }
}
