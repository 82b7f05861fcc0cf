import { metricCatalog, type MetricName } from '@flywheel/contracts';

/** Numbers in words people read: alert messages, next actions and the review report. */

const grouped = (v: number, digits: number) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Minor units as major units with the currency: 123456 CNY -> ¥1,234.56, -5000 -> -¥50.00 */
export function money(minor: number | null, currency = 'CNY'): string {
  if (minor === null) return '–';
  const major = grouped(Math.abs(minor) / 100, 2);
  const sign = minor < 0 ? '-' : '';
  return currency === 'CNY' ? `${sign}¥${major}` : `${sign}${major} ${currency}`;
}

export function pct(ratio: number | null, digits = 1): string {
  return ratio === null ? '–' : `${(ratio * 100).toFixed(digits)}%`;
}

export function count(v: number | null): string {
  return v === null ? '–' : grouped(v, Number.isInteger(v) ? 0 : 1);
}

/** A signed change: +12.3% / -4.0% */
export function signedPct(ratio: number | null, digits = 1): string {
  return ratio === null ? '–' : `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(digits)}%`;
}

export function metricValue(metric: MetricName, v: number | null, currency = 'CNY'): string {
  if (v === null) return '–';
  switch (metricCatalog[metric].display) {
    case 'money': return money(v, currency);
    case 'count': return count(v);
    case 'duration': return `${v.toFixed(0)} s`;
    case 'percent': return pct(v, 2);
    case 'multiple': return v.toFixed(2);
  }
}
