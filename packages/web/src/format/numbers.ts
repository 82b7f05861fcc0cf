import type { Locale } from '@flywheel/contracts';

/** The console's languages (the catalog's locales); zh-CN is the default. */
export type Lang = Locale;

/** The console formats numbers with contracts' formatters, the ones the server's texts and reports use. */
export {
  displayOf, EMPTY, formatChangePct, formatCount, formatMetric, formatMoney, formatMultiple, formatPointChange, formatRatio, formatSeconds,
  minorDigits, plainMetricValue, toMajor, type FormatOptions, type MetricFormatContext,
} from '@flywheel/contracts';
