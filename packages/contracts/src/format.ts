import { isMetricName, metricCatalog, type Locale, type MetricDisplay } from './metric-catalog';

/**
 * Numbers in words people read, for the console and the server's texts and reports alike: money from
 * integer minor units with the currency's own number of minor digits (CNY 2, JPY 0), counts, ratios
 * and durations in the reader's locale habit.
 */

type Lang = Locale;

/** How a metric is shown, from the metric catalog; a metric the catalog does not know is a count. */
export function displayOf(metric: string): MetricDisplay {
  return isMetricName(metric) ? metricCatalog[metric].display : 'count';
}

export interface FormatOptions {
  /** Short form for cards and axes: 1.23万 / 1.23亿 in zh-CN, 12.35K / 1.23M in English. */
  compact?: boolean;
  /** No minor digits below the compact range: chart axes read ¥1,800 rather than ¥1,800.00. */
  whole?: boolean;
}

const formatters = new Map<string, Intl.NumberFormat>();
function numberFormat(lang: Lang, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${lang}|${JSON.stringify(options)}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang, options);
    formatters.set(key, format);
  }
  return format;
}

/** Compact only where the locale's habit starts abbreviating: 万 from 10,000 in Chinese, K from 10,000 in English too. */
const COMPACT_FROM = 10_000;

export const EMPTY = '—';

export function formatCount(value: number | null | undefined, lang: Lang, options: FormatOptions = {}): string {
  if (value === null || value === undefined || Number.isNaN(value)) return EMPTY;
  const compact = options.compact && Math.abs(value) >= COMPACT_FROM;
  return numberFormat(lang, compact ? { notation: 'compact', maximumFractionDigits: 2 } : { maximumFractionDigits: Number.isInteger(value) ? 0 : 2 }).format(value);
}

/** Digits of the currency's minor unit (its ISO 4217 exponent): 2 for CNY (分) and USD, 0 for JPY and KRW. */
const digitsOf = new Map<string, number>();
export function minorDigits(currency: string): number {
  // Asked for every amount a text or a quote formats: resolvedOptions() is slow enough to show.
  let digits = digitsOf.get(currency);
  if (digits === undefined) {
    digits = numberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsOf.set(currency, digits);
  }
  return digits;
}

/** Money arrives as an integer of minor units: 12345 with CNY is ¥123.45, with JPY ¥12,345. */
export function formatMoney(minor: number | null | undefined, currency: string, lang: Lang, options: FormatOptions = {}): string {
  if (minor === null || minor === undefined || Number.isNaN(minor)) return EMPTY;
  const digits = minorDigits(currency);
  const major = minor / 10 ** digits;
  const compact = options.compact && Math.abs(major) >= COMPACT_FROM;
  return numberFormat(lang, compact
    // ¥80万, ¥77.1万: a currency's own minor digits would make every compact amount ¥80.00万.
    ? { style: 'currency', currency, currencyDisplay: 'narrowSymbol', notation: 'compact', minimumFractionDigits: 0, maximumFractionDigits: 2 }
    : { style: 'currency', currency, currencyDisplay: 'narrowSymbol', minimumFractionDigits: options.whole ? 0 : digits, maximumFractionDigits: options.whole ? 0 : digits },
  ).format(major);
}

/** Minor units to the major amount as a plain number, for chart axes and exports. */
export function toMajor(minor: number, currency: string): number {
  return minor / 10 ** minorDigits(currency);
}

/** 6.90%, not 6.9%: a column of percentages keeps its digits, so it lines up. */
export function formatRatio(value: number | null | undefined, lang: Lang, digits = 2): string {
  if (value === null || value === undefined || Number.isNaN(value)) return EMPTY;
  return numberFormat(lang, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/** ROAS and the like: sales per unit of spend, read as 3.25 (i.e. 1:3.25). */
export function formatMultiple(value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || Number.isNaN(value)) return EMPTY;
  return numberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
}

export function formatSeconds(value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || Number.isNaN(value)) return EMPTY;
  const total = Math.round(value);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  if (lang === 'zh-CN') return minutes > 0 ? `${minutes}分${seconds}秒` : `${seconds}秒`;
  return minutes > 0 ? `${minutes}m ${seconds}s` : `${seconds}s`;
}

export interface MetricFormatContext {
  lang: Lang;
  currency: string;
}

export function formatMetric(metric: string, value: number | null | undefined, ctx: MetricFormatContext, options: FormatOptions = {}): string {
  switch (displayOf(metric)) {
    case 'money': return formatMoney(value, ctx.currency, ctx.lang, options);
    case 'percent': return formatRatio(value, ctx.lang);
    case 'multiple': return formatMultiple(value, ctx.lang);
    case 'duration': return formatSeconds(value, ctx.lang);
    case 'count': return formatCount(value, ctx.lang, options);
  }
}

/** A metric's value as a plain number for charts and exports (money in major units). */
export function plainMetricValue(metric: string, value: number | null | undefined, currency: string): number | null {
  if (value === null || value === undefined) return null;
  return displayOf(metric) === 'money' ? toMajor(value, currency) : value;
}

/** +12.3% / −4.5%; the sign is always shown so a change reads at a glance. */
export function formatChangePct(changePct: number | null | undefined, lang: Lang): string {
  if (changePct === null || changePct === undefined || Number.isNaN(changePct)) return EMPTY;
  return numberFormat(lang, { style: 'percent', signDisplay: 'exceptZero', maximumFractionDigits: 1 }).format(changePct);
}

/** Ratios change by percentage points, not percent of themselves: +1.2pp / +1.2个百分点. */
export function formatPointChange(change: number | null | undefined, lang: Lang): string {
  if (change === null || change === undefined || Number.isNaN(change)) return EMPTY;
  const points = numberFormat(lang, { signDisplay: 'exceptZero', maximumFractionDigits: 2 }).format(change * 100);
  return lang === 'zh-CN' ? `${points}个百分点` : `${points} pp`;
}
